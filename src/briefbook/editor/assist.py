"""What the editor asks of a brief while it is written: completion of fields, values and ids,
hover, go to definition, find references, the outline and quick fixes."""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..format.diagnostics import Diagnostic
from ..format.fields import FieldSpec, doc_of
from ..format.model import BriefBase
from ..format.validate import BriefFile
from .live import Snapshot
from .outline import Section, outline
from .places import ITEM, Document, Place, extent, find_id, split_lines
from .protocol import guarded, text_range, to_lsp_diagnostic
from .server import BriefbookServer, server
from .slots import Slot, kind_spec, mapping_slot, slot_at

TARGET_WORDS = {"issue": "an issue brief", "actor": "an actor brief", "source": "a source"}


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["@", "[", " ", ",", ";"]))
@guarded(None)
def _completion(ls: BriefbookServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    found = ls.place(params.text_document.uri, params.position)
    if found is None:
        return None
    doc, place = found
    if place.where == "none":
        return None
    snapshot = ls.snapshot_for(params.text_document.uri)
    line = params.position.line
    text = doc.lines[line]
    edit_range = text_range(doc.lines, ls.codec, line, place.start, line, place.end)
    items: list[lsp.CompletionItem] = []
    if place.where == "value" and place.path and place.path[-1] is ITEM and (slot := slot_at(doc.root(), place.path)) is not None:
        if slot.spec is not None and slot.spec.record is not None:  # `- ti`: the first key of a record item
            place = Place("key", place.path, place.start, place.end, place.word)
    if place.where == "citation":
        items = _id_items("source", snapshot, edit_range, "")
    elif place.where == "key":
        slot = mapping_slot(doc.root(), place.path)
        has_colon = text[place.end:].lstrip().startswith(":")
        if slot is not None and slot.record is not None:
            specs = list(slot.fields)
            if slot.record is BriefBase:  # no kind yet: offer it first
                specs.insert(0, kind_spec())
            for n, spec in enumerate(s for s in specs if s.name not in place.siblings):
                suffix = "" if has_colon else (": " if _is_scalar(spec) else ":")
                items.append(lsp.CompletionItem(
                    spec.name, kind=lsp.CompletionItemKind.Field, detail=_detail(spec), documentation=_markdown(field_help(spec)),
                    sort_text=f"{n:03d}", text_edit=lsp.TextEdit(edit_range, spec.name + suffix)))
        elif slot is not None and slot.keys_of is not None and slot.refers_to:
            items = [i for i in _id_items(slot.refers_to, snapshot, edit_range, "" if has_colon else ":") if i.label not in place.siblings]
    else:
        slot = _value_slot(doc, place)
        if slot is not None and slot.choices:
            items = [lsp.CompletionItem(value, kind=lsp.CompletionItemKind.EnumMember, detail=slot.spec.name if slot.spec else None,
                                        sort_text=f"{n:03d}", text_edit=lsp.TextEdit(edit_range, value))
                     for n, value in enumerate(slot.choices)]
        elif slot is not None and slot.refers_to:
            items = _id_items(slot.refers_to, snapshot, edit_range, "")
    return lsp.CompletionList(is_incomplete=False, items=items) if items else None


def _is_scalar(spec: FieldSpec) -> bool:
    return spec.container is None and spec.record is None


def _value_slot(doc: Document, place: Place) -> Slot | None:
    if place.path == ("kind",) and not doc.sources_file:
        return Slot(spec=kind_spec())
    return slot_at(doc.root(), place.path)


def _id_items(target: str, found: tuple[Snapshot, str] | None, edit_range: lsp.Range, suffix: str) -> list[lsp.CompletionItem]:
    if found is None:
        return []
    corpus = found[0].corpus
    if target == "source":
        entries = [(s.id, s.title, _source_line(s)) for s in corpus.sources.values()]
    else:
        entries = [(b.id, b.brief.title, b.brief.summary) for b in corpus.briefs.values() if b.kind == target]
    kind = lsp.CompletionItemKind.Reference if target == "source" else lsp.CompletionItemKind.File
    return [lsp.CompletionItem(named_id, kind=kind, detail=title, documentation=_markdown(more),
                               text_edit=lsp.TextEdit(edit_range, named_id + suffix)) for named_id, title, more in sorted(entries)]


def _source_line(source: Any) -> str:
    by = f", {source.author}" if source.author else ""
    return f"{source.publisher}{by}, {source.date.isoformat()}"


def _detail(spec: FieldSpec) -> str:
    return f"{spec.type_label}, {'required' if spec.required else 'optional'}"


def field_help(spec: FieldSpec) -> str:
    """A field as the format reference describes it: type, whether required, allowed values, description."""
    parts = [f"**`{spec.name}`**: {_detail(spec)}"]
    target = spec.refers_to or spec.keys_refer_to
    if target:
        parts.append(f"{'Keyed by' if spec.keys_refer_to else 'Names'} the id of {TARGET_WORDS[target]}.")
    if spec.allowed_values:
        parts.append(f"Allowed values: {spec.allowed_values}.")
    if spec.description:
        parts.append(spec.description)
    if spec.record is not None and doc_of(spec.record):
        parts.append(f"{spec.record.__name__}: {doc_of(spec.record)}")
    return "\n\n".join(parts)


def _markdown(text: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(lsp.MarkupKind.Markdown, text)


# --- hover, definition, references ---------------------------------------------------------------


def _named(doc: Document, place: Place) -> tuple[str, str] | None:
    """The id at a place and what it names: (issue/actor/source, id), or None."""
    word = place.word.strip("\"'")
    if not word:
        return None
    if place.where == "citation":
        return "source", word
    if place.where == "key":
        slot = mapping_slot(doc.root(), place.path)
        return (slot.refers_to, word) if slot is not None and slot.keys_of is not None and slot.refers_to else None
    if place.where == "value":
        slot = _value_slot(doc, place)
        if slot is not None and slot.refers_to:
            return slot.refers_to, word
        if len(place.path) >= 3 and place.path[-1] == "id" and place.path[-3] == "sources":  # a source's declaration
            return "source", word
    return None


def _field_at(doc: Document, place: Place) -> FieldSpec | None:
    if place.where == "key":
        if not place.path and place.word == "kind":
            return kind_spec()
        slot = mapping_slot(doc.root(), place.path)
        return next((s for s in slot.fields if s.name == place.word), None) if slot is not None else None
    if place.where == "value":
        slot = _value_slot(doc, place)
        return slot.spec if slot is not None else None
    return None


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@guarded(None)
def _hover(ls: BriefbookServer, params: lsp.HoverParams) -> lsp.Hover | None:
    found = ls.place(params.text_document.uri, params.position)
    if found is None:
        return None
    doc, place = found
    named = _named(doc, place)
    text = None
    if named is not None:
        snapshot = ls.snapshot_for(params.text_document.uri)
        text = _describe_id(snapshot[0], *named) if snapshot else None
    if text is None:
        spec = _field_at(doc, place)
        text = field_help(spec) if spec is not None else None
    if text is None:
        return None
    line = params.position.line
    return lsp.Hover(_markdown(text), text_range(doc.lines, ls.codec, line, place.start, line, place.end))


def _describe_id(snapshot: Snapshot, target: str, named_id: str) -> str | None:
    if target == "source":
        source = snapshot.corpus.sources.get(named_id)
        if source is None:
            return None
        note = f"\n\n{source.note}" if source.note else ""
        return f"**{source.title}**\n\n{_source_line(source)}\n\n<{source.url}>{note}"
    brief = snapshot.corpus.briefs.get(named_id)
    if brief is None or brief.kind != target:
        return None
    return f"**{brief.brief.title}** ({brief.kind} `{brief.id}`)\n\n{brief.brief.summary}"


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
@guarded(None)
def _definition(ls: BriefbookServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    found = ls.place(params.text_document.uri, params.position)
    snapshot = ls.snapshot_for(params.text_document.uri)
    named = _named(*found) if found else None
    if named is None or snapshot is None:
        return None
    return _declaration(ls, snapshot[0], *named)


def _declaration(ls: BriefbookServer, snapshot: Snapshot, target: str, named_id: str) -> lsp.Location | None:
    if target == "source":
        declared = snapshot.declaration(named_id)
        if declared is None:
            return None
        display, line, column = declared
        return _location(ls, snapshot, display, line, column, named_id)
    brief = snapshot.corpus.briefs.get(named_id)
    if brief is None or brief.kind != target:
        return None
    uri = from_fs_path(str(snapshot.path_of(brief.display))) or ""
    return lsp.Location(uri, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)))


def _location(ls: BriefbookServer, snapshot: Snapshot, display: str, line: int, column: int, named_id: str,
              texts: dict[str, list[str]] | None = None) -> lsp.Location:
    """Where an id is written (the loader's 1-based line and column), over the id alone; `texts`
    keeps the lines of each file read, for the next location in it."""
    path = snapshot.path_of(display)
    texts = {} if texts is None else texts
    if display not in texts:
        texts[display] = split_lines(ls.text_of(path))
    lines = texts[display]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    start, end = find_id(text, column - 1, named_id)
    return lsp.Location(from_fs_path(str(path)) or "", text_range(lines, ls.codec, line - 1, start, line - 1, end))


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
@guarded(None)
def _references(ls: BriefbookServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    found = ls.place(params.text_document.uri, params.position)
    snapshot = ls.snapshot_for(params.text_document.uri)
    if found is None or snapshot is None:
        return None
    named = _named(*found)
    if named is None:  # not on an id: the brief itself
        typed = snapshot[0].files.get(snapshot[1])
        if typed is None or not isinstance(typed.typed, BriefFile):
            return None
        named = typed.typed.kind, typed.typed.id
    target, named_id = named
    texts: dict[str, list[str]] = {}
    locations = [_location(ls, snapshot[0], display, line, column, named_id, texts) for display, line, column in snapshot[0].references_to(target, named_id)]
    if params.context.include_declaration and (declared := _declaration(ls, snapshot[0], target, named_id)) is not None:
        locations.insert(0, declared)
    return locations


# --- outline -------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@guarded(None)
def _symbols(ls: BriefbookServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
    found = ls.document(params.text_document.uri)
    if found is None:
        return None
    doc, lines = found
    return [_symbol(section, lines, ls.codec) for section in outline(doc)]


def _symbol(section: Section, lines: list[str], codec: PositionCodec) -> lsp.DocumentSymbol:
    if section.is_item:
        kind = lsp.SymbolKind.Object
    elif section.is_list:
        kind = lsp.SymbolKind.Array
    elif section.children:
        kind = lsp.SymbolKind.Namespace
    else:
        kind = lsp.SymbolKind.Field
    end_line = max(section.end_line, section.line)
    whole = text_range(lines, codec, section.line, 0, end_line, len(lines[end_line]) if end_line < len(lines) else 0)
    name_width = 1 if section.is_item else len(section.name)
    chosen = text_range(lines, codec, section.line, section.column, section.line, section.column + name_width)
    return lsp.DocumentSymbol(section.name or "…", kind, whole, chosen, detail=section.detail or None,
                              children=[_symbol(child, lines, codec) for child in section.children])


# --- quick fixes ---------------------------------------------------------------------------------

_SUGGESTIONS = re.compile(r"did you mean ((?:`[^`]+`(?:, )?)+)\?")
_QUOTE = re.compile(r'^quote it: (".*")$')
_ISO_DATE = re.compile(r"^(?:write it as|write the date alone:) (\d{4}-\d{2}-\d{2})$")
_WRONG = re.compile(r"`([^`]*)`")


def quick_fixes(d: Diagnostic, text: str) -> list[tuple[str, int, int, str]]:
    """The edits a diagnostic's hint names: (title, start column, end column, new text), 0-based columns."""
    wrong_match = _WRONG.search(d.message)
    if wrong_match is None:
        return []
    wrong, column = wrong_match.group(1), d.column - 1
    if (date := _ISO_DATE.match(d.hint)) is not None:
        return [(f"Write the date as {date.group(1)}", column, extent(text, column), date.group(1))]
    if (quoted := _QUOTE.match(d.hint)) is not None:
        replacements = [quoted.group(1)]
    elif (suggested := _SUGGESTIONS.search(d.hint)) is not None:
        replacements = re.findall(r"`([^`]+)`", suggested.group(1))
    else:
        return []
    start, end = find_id(text, column, wrong)
    if text[start:end] != wrong:
        return []
    return [(f"Change `{wrong}` to {new if new.startswith(chr(34)) else f'`{new}`'}", start, end, new) for new in replacements]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
@guarded(None)
def _code_actions(ls: BriefbookServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    uri = params.text_document.uri
    found = ls.document(uri)
    snapshot = ls.snapshot_for(uri)
    if found is None or snapshot is None:
        return None
    doc, lines = found
    first, last = params.range.start.line, params.range.end.line
    actions = []
    for d in snapshot[0].diagnostics.get(snapshot[1], []):
        line = d.line - 1
        if not first <= line <= last or line >= len(lines):
            continue
        for n, (title, start, end, new) in enumerate(quick_fixes(d, lines[line])):
            edit = lsp.TextEdit(text_range(lines, ls.codec, line, start, line, end), new)
            actions.append(lsp.CodeAction(title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[to_lsp_diagnostic(d, lines, ls.codec)],
                                          is_preferred=n == 0, edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
    return actions or None

