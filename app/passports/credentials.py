"""Open Badges 3.0: passport entries as signed OpenBadgeCredentials (VC-JWT, RS256).

Each guaranteed, unexpired entry becomes one credential whose achievement is the référentiel
competency at the entry's level. The credential is signed as a JSON Web Token: header
`alg: RS256` and a `kid` URL resolving (GET /.well-known/jwks.json) to the public key; payload
= the credential plus `iss`, `jti`, `nbf`, `sub` and `exp`.
Every credential ends (`validUntil`, `exp`) CREDENTIAL_VALIDITY_DAYS after it is issued, or at the
entry's end date if sooner, and carries a `credentialStatus` (BitstringStatusListEntry) pointing to
a signed status list credential served at /ob3/status-lists/<n>: revocation reaches credentials
already downloaded. Every identifier and URL is built from BASE_URL.
"""
import base64
import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from flask import current_app
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.orm import joinedload

from app.common.timezones import as_utc, utcnow
from app.extensions import db
from app.passports import status_list
from app.passports.models import PassportEntry, Provenance
from app.referential.models import JobProfile, LevelDescriptor, ProfileRequirement, ScaleLevel

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
FRAMEWORK = "Référentiel métiers de l'accueil"
ROME_FRAMEWORK = "ROME — Répertoire opérationnel des métiers et des emplois (France Travail)"
JWKS_PATH = "/.well-known/jwks.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# A verifier may keep a fetched status list this long (also its `ttl`, in milliseconds).
STATUS_LIST_MAX_AGE = 300


class SigningKeyMissing(RuntimeError):
    """No PASSPORT_SIGNING_KEY in production (the configuration check should have refused to start)."""


# --- the signing key ------------------------------------------------------------------------


def _load_key(app):
    pem = app.config.get("PASSPORT_SIGNING_KEY")
    if pem:
        pem = pem.encode() if isinstance(pem, str) else pem
    elif app.config.get("APP_ENV") == "production":
        raise SigningKeyMissing("PASSPORT_SIGNING_KEY is required in production")
    else:
        from app.common.keys import instance_signing_key

        # `flask keys generate` (make run) creates it before the server starts; tests and
        # one-off shells create it on first use.
        pem = instance_signing_key(app.instance_path)
    key = load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SigningKeyMissing("PASSPORT_SIGNING_KEY must be an RSA private key")
    return key


def signing_key():
    """The issuer's RSA private key, loaded once per application."""
    app = current_app._get_current_object()
    cache = app.extensions.setdefault("passport_signing", {})
    if "key" not in cache:
        key = _load_key(app)
        public_jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        cache["key"] = key
        cache["kid"] = jwk_thumbprint(public_jwk)
        cache["jwk"] = public_jwk
    return cache["key"]


def jwk_thumbprint(jwk):
    """RFC 7638 thumbprint of an RSA public JWK (base64url SHA-256): the key id."""
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def key_id():
    signing_key()
    return current_app.extensions["passport_signing"]["kid"]


def key_id_url():
    """The `kid` header: a URL that resolves to the public key in the published JWKS."""
    return f"{_base()}{JWKS_PATH}#{key_id()}"


def jwks():
    """The issuer's public keys as a JSON Web Key Set."""
    signing_key()
    cache = current_app.extensions["passport_signing"]
    return {"keys": [{**cache["jwk"], "kid": cache["kid"], "use": "sig", "alg": "RS256"}]}


# --- credentials ----------------------------------------------------------------------------


def _base():
    return current_app.config["BASE_URL"]


def _timestamp(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile():
    return {"id": _base(), "type": ["Profile"], "name": "Passerelle", "url": _base()}


def holder_id_url(holder):
    return f"{_base()}/ob3/holders/{holder.id}"


def exportable_entries(holder, today=None):
    """The holder's entries that export as credentials: guaranteed (validated, or from training or
    certification) and not expired."""
    today = today or date.today()
    entries = db.session.scalars(
        db.select(PassportEntry)
        .where(PassportEntry.holder_id == holder.id)
        .options(
            joinedload(PassportEntry.competency),
            joinedload(PassportEntry.validated_by_org),
            joinedload(PassportEntry.holder),
        )
        .order_by(PassportEntry.id)
    ).unique().all()
    return [e for e in entries if e.provenance == Provenance.GUARANTEED and not e.is_expired(today)]


def _context(competency_ids):
    """What the credentials of these competencies need from the reference: levels, profiles."""
    ids = list(competency_ids)
    descriptors = {
        (d.competency_id, d.level): d.text
        for d in db.session.scalars(db.select(LevelDescriptor).where(LevelDescriptor.competency_id.in_(ids)))
    }
    scale = dict(db.session.execute(db.select(ScaleLevel.level, ScaleLevel.label)).all())
    profiles = {}
    rows = db.session.execute(
        db.select(ProfileRequirement.competency_id, JobProfile)
        .join(JobProfile, ProfileRequirement.profile_id == JobProfile.id)
        .where(ProfileRequirement.competency_id.in_(ids))
        .order_by(JobProfile.position, JobProfile.id)
    ).all()
    for competency_id, profile in rows:
        profiles.setdefault(competency_id, []).append(profile)
    return {"descriptors": descriptors, "scale": scale, "profiles": profiles}


def _alignments(competency, profiles):
    base = _base()
    alignments = [{
        "type": ["Alignment"],
        "targetType": "ceasn:Competency",
        "targetName": competency.title,
        "targetDescription": competency.description,
        "targetCode": competency.code,
        "targetFramework": FRAMEWORK,
        "targetUrl": f"{base}/referentiel#{competency.code}",
    }]
    for profile in profiles:
        for rome in profile.rome_codes or []:
            alignments.append({
                "type": ["Alignment"],
                "targetType": "ext:ROME",
                "targetName": profile.title,
                "targetCode": rome,
                "targetFramework": ROME_FRAMEWORK,
                "targetUrl": f"{base}/filiere/{profile.code}",
            })
    return alignments


def _valid_from(entry):
    return as_utc(entry.validated_at or entry.created_at)


def _valid_until(entry, issued_at):
    """The credential's end: CREDENTIAL_VALIDITY_DAYS after issue, or the entry's end date if sooner."""
    bound = issued_at.replace(microsecond=0) + timedelta(days=current_app.config["CREDENTIAL_VALIDITY_DAYS"])
    if entry.valid_until is None:
        return bound
    # valid_until is the last day of validity: the credential ends at the close of that day (UTC).
    return min(bound, datetime.combine(entry.valid_until, time(23, 59, 59), tzinfo=UTC))


def status_list_url(number):
    return f"{_base()}/ob3/status-lists/{number}"


def credential_status(entry):
    """The entry's place in the revocation status list, as the credential names it."""
    number, index = status_list.position(entry.id)
    url = status_list_url(number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_list.PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def build_credential(entry, context, issued_at=None):
    """The OpenBadgeCredential (a dict, unsigned) of one entry, issued at `issued_at` (now)."""
    base = _base()
    competency = entry.competency
    level_label = context["scale"].get(entry.level)
    descriptor = context["descriptors"].get((competency.id, entry.level))
    name = f"{competency.code} — {competency.title} (niveau {entry.level})"
    criteria = descriptor or f"Niveau {entry.level} de la compétence {competency.code}."
    if entry.validated_by_org is not None:
        criteria += f" Validé par {entry.validated_by_org.name} ({entry.source_label.lower()})."
    achievement = {
        "id": f"{base}/ob3/achievements/{competency.code}/{entry.level}",
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": name,
        "description": competency.description,
        "criteria": {"narrative": criteria},
        "humanCode": competency.code,
        "fieldOfStudy": FRAMEWORK,
        "inLanguage": "fr",
        "creator": issuer_profile(),
        "alignment": _alignments(competency, context["profiles"].get(competency.id, [])),
    }
    if level_label:
        achievement["specialization"] = f"Niveau {entry.level} — {level_label}"
    subject = {
        "id": holder_id_url(entry.holder),
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "identifier": [{
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": entry.holder.full_name,
            "identityType": "name",
        }],
    }
    if entry.validated_by_org is not None:
        subject["source"] = {
            "id": f"{base}/ob3/organisations/{entry.validated_by_org.code}",
            "type": ["Profile"],
            "name": entry.validated_by_org.name,
        }
    valid_from = _valid_from(entry)
    credential = {
        "@context": list(OB3_CONTEXT),
        "id": f"{base}/ob3/credentials/{entry.id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "description": f"Compétence inscrite au passeport de compétences Passerelle de {entry.holder.full_name}.",
        "issuer": issuer_profile(),
        "validFrom": _timestamp(valid_from),
        "awardedDate": _timestamp(valid_from),
        "credentialSubject": subject,
        "validUntil": _timestamp(_valid_until(entry, issued_at or utcnow())),
        "credentialStatus": credential_status(entry),
    }
    return credential


def sign_credential(credential):
    """The credential as a compact JWS (VC-JWT): RS256, kid URL, registered claims added."""
    payload = dict(credential)
    payload["iss"] = credential["issuer"]["id"]
    payload["jti"] = credential["id"]
    payload["sub"] = credential["credentialSubject"]["id"]
    payload["nbf"] = int(datetime.fromisoformat(credential["validFrom"]).timestamp())
    if "validUntil" in credential:
        payload["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    return jwt.encode(payload, signing_key(), algorithm="RS256", headers={"kid": key_id_url(), "typ": "JWT"})


def status_list_credential(number, now=None):
    """The signed BitstringStatusListCredential (VC-JWT) of revocation list `number`, as it stands now.

    Signed when served, valid for a day: a copy kept or replayed longer is refused by verifiers.
    """
    now = (now or utcnow()).replace(microsecond=0)
    url = status_list_url(number)
    credential = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(),
        "validFrom": _timestamp(now),
        "validUntil": _timestamp(now + timedelta(days=1)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.PURPOSE,
            "encodedList": status_list.encode(status_list.revoked_indexes(number)),
            "ttl": STATUS_LIST_MAX_AGE * 1000,
        },
    }
    return sign_credential(credential)


def credentials_for(holder, today=None):
    """[(entry, credential dict, JWT string)] for every exportable entry of the holder."""
    entries = exportable_entries(holder, today)
    if not entries:
        return []
    context = _context({e.competency_id for e in entries})
    issued_at = utcnow()
    result = []
    for entry in entries:
        credential = build_credential(entry, context, issued_at)
        result.append((entry, credential, sign_credential(credential)))
    return result

