"""Load YAML keeping the line of every value, so that errors point at the line to fix."""
import yaml


class LineMap:
    """Maps a path inside a YAML document (tuple of keys and indexes) to a 1-based line."""

    def __init__(self):
        self.lines = {}

    def line(self, path):
        """The line of the deepest known prefix of path (a missing key points at its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _walk(node, path, lines):
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                key = int(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), lines)


class YamlError(ValueError):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


def load_with_lines(text):
    """(data, LineMap) for a YAML text; raises YamlError with a French message and line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"YAML invalide : {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:  # e.g. a control character: no mark, but the position is known
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else 1
        raise YamlError(line, f"YAML invalide : caractère non autorisé ({getattr(exc, 'reason', exc)})") from exc
    lines = LineMap()
    if node is not None:
        _walk(node, (), lines.lines)
    return data, lines
