"""One term per concept: a paper's glossary, checked on every language's text.

A glossary file (``manuscript/glossary.yaml``; schema
``paperkit/schemas/glossary.schema.yaml``) lists, per language, the term the paper
uses for a concept and the variants it must not use::

    tr:
      - use: iş birliği
        avoid: [işbirliği]
        why: TDK spelling

``glossary_problems`` finds every avoided variant in a language's text (as Pandoc
read it, so Markdown markup and placeholders do not matter), case-insensitively
and at word starts, and names the file and the sentence. Standard library only.

An entry may ``allow`` phrases that contain an avoided variant but name one thing the
paper may not rename (a body's historical name)::

      - use: sığınma (asylum)
        avoid: [iltica]
        allow: [İltica ve Göç Bürosu]
"""

from __future__ import annotations

import re


def validate_glossary(entries: dict) -> None:
    from paperkit.jsonschemas import machinery_schema, schema_problems

    if lines := schema_problems(entries, machinery_schema("glossary")):
        raise ValueError("the glossary breaks its schema:\n  " + "\n  ".join(lines))


def _pattern(variant: str, lang: str) -> re.Pattern:
    # Turkish lowercase: İ → i, I → ı (Python's lower() gives i̇ and i)
    # a space in a term matches any run of white space: a line of source text may end
    # between its words
    words = [re.escape(word) for word in _lower(variant, lang).split()]
    return re.compile(r"(?<![\w])" + r"\s+".join(words))


def _lower(text: str, lang: str) -> str:
    if lang == "tr":
        text = text.replace("İ", "i").replace("I", "ı")
    return text.lower()


def plain_text(blocks: list) -> str:
    """The words of Pandoc AST ``blocks`` (strings and spaces; code, maths and attributes
    left out), one paragraph per line."""
    parts: list[str] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                parts.append(node["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind not in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock"):
                visit(node.get("c"))
                if kind in ("Para", "Plain", "Header"):
                    parts.append("\n")

    visit(blocks)
    return "".join(parts)


def glossary_problems(texts: dict[str, str], entries: list[dict], lang: str) -> list[str]:
    """Every use of an avoided variant in ``texts`` (file → plain text of one language)."""
    problems = []
    for entry in entries:
        allowed = [_pattern(phrase, lang) for phrase in entry.get("allow", [])]
        for variant in entry["avoid"]:
            pattern = _pattern(variant, lang)
            for name, text in texts.items():
                lowered = _lower(text, lang)
                # the spans of the allowed phrases: a variant inside one is that name
                kept = [m.span() for allow in allowed for m in allow.finditer(lowered)]
                for match in pattern.finditer(lowered):
                    if any(start <= match.start() < end for start, end in kept):
                        continue
                    stop = lowered.rfind(". ", 0, match.start())
                    start = stop + 2 if stop >= 0 else 0
                    snippet = text[start : match.end() + 40].replace("\n", " ")
                    problems.append(
                        f"{name}: '{variant}' → use '{entry['use']}'"
                        + (f" ({entry['why']})" if entry.get("why") else "")
                        + f": …{snippet.strip()}…"
                    )
    return problems
