--[[
word-fields.lua: numbered Word fields for figure and table captions, and REF fields
for the cross-references to them (Pandoc 3.x Lua filter, DOCX writer only).

The resolved text already carries its numbers: a caption reads "Figure 2: …"
("Şekil 2: …", "Table 1: …", "Tablo 1: …") and a cross-reference is a link such as
[Figure 2](#fig:its-counterfactual) or [Tablo 1](#tbl:its). This filter keeps every
word as it is and turns only the number into a field, so that Word renumbers after
edits (select all, F9):

  caption  "Figure 2: text"
        →  Figure ⟦bookmark _Ref_fig_its_counterfactual: {SEQ Figure \* ARABIC}⟧: text
  link     [Figure 2](#fig:its-counterfactual)
        →  Figure {REF _Ref_fig_its_counterfactual \h}

Each field is a complex field (w:fldChar begin / w:instrText / separate / end); its
cached result is the number of the text, written by Pandoc as an ordinary run
between the "separate" and "end" raw runs, so it keeps the caption's formatting and
Pandoc's alt text (w:docPr/@descr, w:tblCaption) still contains the number. The
bookmark around the SEQ field's number is named after the figure/table id: "_Ref_"
followed by the id with every character other than an ASCII letter or digit turned
into "_" (Turkish letters transliterated first); a name longer than 40 characters,
or one another id already took, becomes its first 31 characters, "_" and 8 hex
digits of the id's SHA-1. The REF field refers to that bookmark (\h: a hyperlink to
it), so it shows just the number; the words around it stay plain text.

Only links to ids of captions that the filter numbered become REF fields; other
links (sections, citations, URLs) are left alone. Numbers that are not plain
integers ("A.1", "2.3") are left as text with a warning. A warning also tells when
the numbers in the text do not count 1, 2, 3 … in document order (Word would
renumber them), or when a cross-reference's number differs from its target's.

Options (metadata): word-fields-seq-figure / word-fields-seq-table, the SEQ
identifiers (default "Figure" and "Table").

Do not combine with the docx extension native_numbering (Pandoc would add its own
"Figure N" label and SEQ field in front of the caption's own).
]]

if not FORMAT:match("docx") then
  return {}
end

local BOOKMARK_ID_BASE = 900000 -- far above the ids Pandoc gives its own bookmarks
local MAX_BOOKMARK = 40

local function warn(message)
  if pandoc.log and pandoc.log.warn then
    pandoc.log.warn("word-fields: " .. message)
  else
    io.stderr:write("[WARNING] word-fields: " .. message .. "\n")
  end
end

-- Turkish (and a few other Latin) letters → ASCII, for bookmark names.
local TRANSLIT = {
  ["ç"] = "c", ["Ç"] = "C", ["ğ"] = "g", ["Ğ"] = "G", ["ı"] = "i", ["İ"] = "I",
  ["ö"] = "o", ["Ö"] = "O", ["ş"] = "s", ["Ş"] = "S", ["ü"] = "u", ["Ü"] = "U",
  ["â"] = "a", ["Â"] = "A", ["î"] = "i", ["Î"] = "I", ["û"] = "u", ["Û"] = "U",
  ["é"] = "e", ["É"] = "E", ["è"] = "e", ["à"] = "a", ["ä"] = "a", ["ß"] = "ss",
}

local bookmark_of = {} -- id → bookmark name
local id_of_bookmark = {} -- bookmark name → id

local function bookmark_name(id)
  if bookmark_of[id] then
    return bookmark_of[id]
  end
  local ascii = {}
  for _, code in utf8.codes(id) do
    local char = utf8.char(code)
    ascii[#ascii + 1] = TRANSLIT[char] or char
  end
  local name = "_Ref_" .. table.concat(ascii):gsub("[^%w]", "_")
  if #name > MAX_BOOKMARK or id_of_bookmark[name] then
    name = name:sub(1, MAX_BOOKMARK - 9) .. "_" .. pandoc.utils.sha1(id):sub(1, 8)
  end
  bookmark_of[id] = name
  id_of_bookmark[name] = id
  return name
end

local next_bookmark_id = BOOKMARK_ID_BASE
local function new_bookmark_id()
  next_bookmark_id = next_bookmark_id + 1
  return next_bookmark_id
end

-- Raw runs that open a complex field (its instruction) and close it; the number
-- between them is an ordinary Pandoc run, the field's cached result.
local function field_open(instruction)
  return '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    .. '<w:r><w:instrText xml:space="preserve"> ' .. instruction .. ' </w:instrText></w:r>'
    .. '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
end
local FIELD_CLOSE = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'

local CONTAINERS = {
  Strong = true, Emph = true, Span = true, Underline = true, SmallCaps = true,
}

--- Put the first integer of `inlines` (one equal to `wanted`, if given) between the
--- raw inlines `before` and `after`. Looks at the first `limit` inlines only (all if
--- nil), and inside emphasis and spans. Returns the new list and the number, or nil
--- and the reason.
local function wrap_number(inlines, before, after, wanted, limit)
  for i, el in ipairs(inlines) do
    if limit and i > limit then
      break
    end
    local new_el, number
    if el.t == "Str" then
      local pre, digits, post = el.text:match("^(.-)(%d+)(.*)$")
      if digits and (wanted == nil or digits == wanted) then
        if post:match("^[.,]%d") or pre:match("[.,]$") then
          return nil, "the number in '" .. el.text .. "' is not a plain integer"
        end
        local parts = pandoc.Inlines({})
        if pre ~= "" then parts:insert(pandoc.Str(pre)) end
        parts:insert(pandoc.RawInline("openxml", before))
        parts:insert(pandoc.Str(digits))
        parts:insert(pandoc.RawInline("openxml", after))
        if post ~= "" then parts:insert(pandoc.Str(post)) end
        new_el, number = parts, digits
      end
    elseif CONTAINERS[el.t] then
      local inner, number_or_reason = wrap_number(el.content, before, after, wanted, nil)
      if inner then
        el.content = inner
        new_el, number = pandoc.Inlines({ el }), number_or_reason
      elseif number_or_reason then
        return nil, number_or_reason
      end
    end
    if new_el then
      local result = pandoc.Inlines({})
      for j = 1, i - 1 do result:insert(inlines[j]) end
      result:extend(new_el)
      for j = i + 1, #inlines do result:insert(inlines[j]) end
      return result, number
    end
  end
  return nil
end

local seq_name = { Figure = "Figure", Table = "Table" }
local targets = {} -- id → { kind =, number = } for every numbered caption
local count = { Figure = 0, Table = 0 }

local function number_caption(block, kind)
  local caption = block.caption and block.caption.long
  local first = caption and caption[1]
  if not first or not first.content then
    return nil
  end
  local id = block.identifier
  count[kind] = count[kind] + 1
  local bookmark, bookmark_id = nil, nil
  local before = field_open("SEQ " .. seq_name[kind] .. " \\* ARABIC")
  local after = FIELD_CLOSE
  if id ~= "" then
    bookmark, bookmark_id = bookmark_name(id), new_bookmark_id()
    before = '<w:bookmarkStart w:id="' .. bookmark_id .. '" w:name="' .. bookmark .. '"/>' .. before
    after = after .. '<w:bookmarkEnd w:id="' .. bookmark_id .. '"/>'
  end
  -- The label ("Figure", "Şekil", "Table", "Tablo") and the number open the caption:
  -- label, space, number ("Figure" " " "2:"), or "Figure 2:" in one Str; after the
  -- number comes punctuation (":", ".", "–") or nothing.
  local text = pandoc.utils.stringify(first.content)
  local label, digits, post = text:match("^(.-)(%d+)(.*)$")
  local word = label and label:gsub("\194\160", " "):match("^(%S+) ?$")
  if not word or not post:match("^[^%w\128-\255]") and post ~= "" then
    count[kind] = count[kind] - 1
    warn(kind .. " " .. (id ~= "" and id or "(no id)") .. ": caption '" .. text:sub(1, 40)
      .. "…' does not start with a label and a number; left as it is")
    return nil
  end
  local content, number = wrap_number(first.content, before, after, digits, 3)
  if not content then
    count[kind] = count[kind] - 1
    warn(kind .. " " .. (id ~= "" and id or "(no id)") .. ": " .. (number or "no number")
      .. "; caption left as it is")
    return nil
  end
  if tonumber(number) ~= count[kind] then
    warn(kind .. " " .. id .. " is numbered " .. number .. " in the text but is "
      .. kind:lower() .. " " .. count[kind] .. " in document order: Word will renumber it")
  end
  first.content = content
  if id ~= "" then
    targets[id] = { kind = kind, number = number, bookmark = bookmark }
  end
  return block
end

local function cross_reference(link)
  local id = link.target:match("^#(.+)$")
  local target = id and targets[id]
  if not target then
    return nil
  end
  local before = field_open("REF " .. target.bookmark .. " \\h")
  local content, number = wrap_number(link.content, before, FIELD_CLOSE, target.number, nil)
  if not content then
    content, number = wrap_number(link.content, before, FIELD_CLOSE, nil, nil)
    if content then
      warn("link to #" .. id .. " says " .. number .. ", but its caption says "
        .. target.number .. " (the REF field keeps " .. number .. " until Word updates it)")
    end
  end
  if not content then
    warn("link to #" .. id .. " ('" .. pandoc.utils.stringify(link.content)
      .. "') has no number; left as a hyperlink")
    return nil
  end
  return content
end

function Pandoc(doc)
  local meta = doc.meta
  for kind, key in pairs({ Figure = "word-fields-seq-figure", Table = "word-fields-seq-table" }) do
    if meta[key] then
      seq_name[kind] = pandoc.utils.stringify(meta[key]):gsub("[^%w_]", "")
    end
  end
  local extensions = PANDOC_WRITER_OPTIONS and PANDOC_WRITER_OPTIONS.extensions
  if extensions then
    for _, extension in ipairs(extensions) do
      if extension == "native_numbering" then
        warn("the docx extension native_numbering is on: captions get two numbers")
      end
    end
  end
  doc = doc:walk({
    Figure = function(figure) return number_caption(figure, "Figure") end,
    Table = function(tbl) return number_caption(tbl, "Table") end,
  })
  return doc:walk({ Link = cross_reference })
end

return { { Pandoc = Pandoc } }
