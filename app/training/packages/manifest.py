"""Read a SCORM package's imsmanifest.xml safely (defusedxml) and check what the player needs.

Problems carry the manifest line they come from, so that `flask curricula validate` can print
`path:line: message` as it does for the YAML files.
"""
import io
import posixpath
import xml.sax  # nosec B406 (handler base class and exceptions only: parsing goes through defusedxml)
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

SCORM_12, SCORM_2004 = "1.2", "2004"
# <schemaversion> values of SCORM 1.2 and SCORM 2004 3rd and 4th editions.
SCHEMA_VERSIONS = {
    "1.2": SCORM_12,
    "2004 3rd edition": SCORM_2004,
    "2004 4th edition": SCORM_2004,
}
VERSION_LABELS = {SCORM_12: "SCORM 1.2", SCORM_2004: "SCORM 2004"}


@dataclass
class Node:
    tag: str  # local name, without namespace
    attrs: dict  # local attribute names -> values
    line: int
    children: list = field(default_factory=list)
    text: str = ""

    def find(self, tag):
        return next((c for c in self.children if c.tag == tag), None)

    def find_all(self, tag):
        return [c for c in self.children if c.tag == tag]


@dataclass
class ManifestProblem:
    line: int
    message: str


@dataclass
class Manifest:
    version: str | None = None  # SCORM_12 or SCORM_2004
    title: str = ""
    launch_href: str | None = None  # path of the SCO to launch, inside the package (with its query)
    mastery_score: int | None = None  # SCORM 1.2 adlcp:masteryscore of the launched item
    problems: list = field(default_factory=list)


class _TreeBuilder(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.root = None
        self.stack = []

    def startElementNS(self, name, qname, attrs):  # noqa: N802 - SAX API
        attributes = {local: value for (_ns, local), value in attrs.items()}
        node = Node(name[1], attributes, self._locator.getLineNumber() if self._locator else 1)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElementNS(self, name, qname):  # noqa: N802 - SAX API
        node = self.stack.pop()
        node.text = node.text.strip()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text += content


def parse_tree(data):
    """The manifest's element tree, or a ManifestProblem (forbidden DTD/entities, bad XML)."""
    builder = _TreeBuilder()
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(builder)
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException:
        return ManifestProblem(1, "imsmanifest.xml contient une DTD ou des entités : interdit pour des raisons de sécurité")
    except xml.sax.SAXParseException as exc:
        return ManifestProblem(exc.getLineNumber() or 1, f"imsmanifest.xml n'est pas un XML valide ({exc.getMessage()})")
    return builder.root


def _inside(href):
    """The package-relative path an href names (query and fragment removed), or None if it leaves."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path or path.startswith("/") or "\\" in path:
        return None
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../"):
        return None
    return normal


def read_manifest(data, names):
    """Parse and check a manifest against the package's file names; problems are listed, not raised."""
    manifest = Manifest()
    root = parse_tree(data)
    if isinstance(root, ManifestProblem):
        manifest.problems.append(root)
        return manifest
    if root is None or root.tag != "manifest":
        manifest.problems.append(ManifestProblem(1, "l'élément racine de imsmanifest.xml doit être <manifest>"))
        return manifest
    _check_version(root, manifest)
    resources = _check_resources(root, manifest, names)
    _check_organizations(root, manifest, resources)
    return manifest


def _check_version(root, manifest):
    metadata = root.find("metadata")
    schema_version = metadata.find("schemaversion") if metadata is not None else None
    if schema_version is None:
        manifest.problems.append(ManifestProblem(
            metadata.line if metadata is not None else root.line,
            "version de SCORM absente (<metadata><schemaversion>) : 1.2, 2004 3rd Edition ou 2004 4th Edition attendue"))
        return
    manifest.version = SCHEMA_VERSIONS.get(schema_version.text.lower())
    if manifest.version is None:
        manifest.problems.append(ManifestProblem(
            schema_version.line,
            f"version de SCORM non prise en charge : « {schema_version.text} » "
            "(1.2, 2004 3rd Edition ou 2004 4th Edition attendue)"))


def _check_resources(root, manifest, names):
    """{identifier: resource node}; reports every href that does not name a file of the package."""
    container = root.find("resources")
    resources = {}
    if container is None or not container.find_all("resource"):
        manifest.problems.append(ManifestProblem(
            container.line if container is not None else root.line, "aucune ressource déclarée (<resources>)"))
        return resources
    for resource in container.find_all("resource"):
        identifier = resource.attrs.get("identifier")
        if identifier:
            resources[identifier] = resource
        base = resource.attrs.get("base", "")
        hrefs = [(resource.line, resource.attrs.get("href"))] if resource.attrs.get("href") else []
        hrefs += [(f.line, f.attrs.get("href")) for f in resource.find_all("file") if f.attrs.get("href")]
        for line, href in hrefs:
            path = _inside(posixpath.join(base, href) if base else href)
            if path is None:
                manifest.problems.append(ManifestProblem(line, f"href hors du paquet : {href}"))
            elif path not in names:
                manifest.problems.append(ManifestProblem(line, f"fichier référencé introuvable dans le paquet : {href}"))
    return resources


def _items(node):
    for item in node.find_all("item"):
        yield item
        yield from _items(item)


def _check_organizations(root, manifest, resources):
    organizations = root.find("organizations")
    orgs = organizations.find_all("organization") if organizations is not None else []
    if not orgs:
        manifest.problems.append(ManifestProblem(
            organizations.line if organizations is not None else root.line, "aucune organisation déclarée (<organizations>)"))
        return
    default = organizations.attrs.get("default")
    organization = next((o for o in orgs if o.attrs.get("identifier") == default), orgs[0])
    title = organization.find("title")
    manifest.title = title.text if title is not None else ""
    launchable = None
    for item in _items(organization):
        ref = item.attrs.get("identifierref")
        if not ref:
            continue
        resource = resources.get(ref)
        if resource is None:
            manifest.problems.append(ManifestProblem(item.line, f"l'élément « {item.attrs.get('identifier', '?')} » "
                                                                f"renvoie à une ressource inconnue : {ref}"))
            continue
        if launchable is None and resource.attrs.get("href"):
            launchable = (item, resource)
    if launchable is None:
        manifest.problems.append(ManifestProblem(organization.line, "aucun élément de l'organisation ne lance de ressource (SCO)"))
        return
    item, resource = launchable
    base = resource.attrs.get("base", "")
    href = posixpath.join(base, resource.attrs["href"]) if base else resource.attrs["href"]
    parameters = item.attrs.get("parameters", "")
    if parameters and not parameters.startswith(("?", "#")):
        parameters = "?" + parameters
    manifest.launch_href = href + parameters
    mastery = item.find("masteryscore")
    if mastery is not None and mastery.text.strip().isdigit():
        manifest.mastery_score = int(mastery.text.strip())
