-- Before citeproc (defaults/citeproc.yaml): prepares the reference data.
--
-- The references the document cites are read from its bibliography files (as
-- citeproc would read them, in the document's locale) and handed to citeproc as
-- `references` metadata, with these changes to their text fields (titles,
-- container and series titles, publisher, type, note):
--
-- * Braces protect case. In a .bib file {Up} or {between} keeps a word as written.
--   Pandoc honours that only where it sentence-cases English titles itself (in an
--   English document); in the Turkish one citeproc still title-cases English
--   titles ("Going Beyond Hospitality"). Every braced group becomes a "nocase"
--   span, citeproc's own protection, in every language.
-- * Languages. A field of a reference whose language (`langid`) differs from the
--   document's is wrapped in a Span with that `lang`: HTML gets lang="…", DOCX
--   w:lang, Typst #text(lang: …) (filters/citations.lua), so each title is
--   hyphenated by its own language's rules, in the reference list and wherever a
--   citation prints a title. A translation in square brackets after a non-English
--   title or note ("Geçici Koruma Yönetmeliği [Temporary Protection Regulation]")
--   is English. Citeproc's own words ("İçinde", "ve", "edited by"), the names and
--   the numbers stay in the document's language.
-- * Straight double quotes around a phrase (R data package "refugees") become a
--   quotation, set with the document's quotation marks like citeproc's own.

local stringify = pandoc.utils.stringify

-- Fields whose text is in the reference's language.
local TEXT_FIELDS = {
  "title", "title-short", "container-title", "container-title-short",
  "collection-title", "volume-title", "original-title", "part-title", "event-title",
  "publisher", "genre", "note", "medium", "status",
}

-- Primary language subtag ("en-US" → "en"), or nil.
local function primary(tag)
  local p = tag and stringify(tag):match("^%a+")
  return p and p:lower() or nil
end

local function lang_span(content, lang)
  return pandoc.Span(content, pandoc.Attr("", {}, { lang = lang }))
end

-- A braced group reaches the reference as a Span without attributes.
local function protect(inlines)
  return inlines:walk({
    Span = function(span)
      if span.identifier == "" and #span.classes == 0 and #span.attributes == 0 then
        span.classes = { "nocase" }
        return span
      end
    end,
  })
end

-- Square-bracketed runs "[…]" of an inline list, tagged English.
local function gloss_list(inlines)
  local out, open = pandoc.Inlines({}), nil
  for _, el in ipairs(inlines) do
    local text = el.t == "Str" and el.text or nil
    if open == nil and text and text:match("^%[[^%]]+%]") then
      local inner, rest = text:match("^%[([^%]]+)(%].*)$")
      out:extend({ pandoc.Str("["), lang_span({ pandoc.Str(inner) }, "en"), pandoc.Str(rest) })
    elseif open == nil and text and text:match("^%[.") then
      out:insert(pandoc.Str("["))
      open = pandoc.Inlines({ pandoc.Str(text:sub(2)) })
    elseif open ~= nil and text and text:match("%]") then
      local inner, rest = text:match("^(.-)(%].*)$")
      if inner ~= "" then open:insert(pandoc.Str(inner)) end
      out:extend({ lang_span(open, "en"), pandoc.Str(rest) })
      open = nil
    elseif open ~= nil then
      open:insert(el)
    else
      out:insert(el)
    end
  end
  if open ~= nil then return nil end -- unbalanced: left as it was
  return out
end

local function gloss(inlines)
  return inlines:walk({ Inlines = gloss_list })
end

-- Straight double quotes around a phrase ("refugees") become a quotation, which
-- citeproc sets with the document's quotation marks (‘refugees’, “refugees”).
local function quotes_list(inlines)
  local out, open = pandoc.Inlines({}), nil
  for _, el in ipairs(inlines) do
    local text = el.t == "Str" and el.text or nil
    if open == nil and text and text:match('^"[^"]+"') then
      local inner, rest = text:match('^"([^"]+)"(.*)$')
      out:insert(pandoc.Quoted("DoubleQuote", { pandoc.Str(inner) }))
      if rest ~= "" then out:insert(pandoc.Str(rest)) end
    elseif open == nil and text and text:match('^".') and not text:sub(2):find('"', 1, true) then
      open = pandoc.Inlines({ pandoc.Str(text:sub(2)) })
    elseif open ~= nil and text and text:find('"', 1, true) then
      local inner, rest = text:match('^([^"]*)"(.*)$')
      if inner ~= "" then open:insert(pandoc.Str(inner)) end
      out:insert(pandoc.Quoted("DoubleQuote", open))
      if rest ~= "" then out:insert(pandoc.Str(rest)) end
      open = nil
    elseif open ~= nil then
      open:insert(el)
    else
      out:insert(el)
    end
  end
  if open ~= nil then return nil end -- unbalanced: left as it was
  return out
end

local function straight_quotes(inlines)
  return inlines:walk({ Inlines = quotes_list })
end

function Pandoc(doc)
  local ok, refs = pcall(pandoc.utils.references, doc)
  if not ok or #refs == 0 then return nil end
  local doc_lang = primary(doc.meta.lang) or "en"
  for _, item in ipairs(refs) do
    local lang = primary(item.language)
    for _, field in ipairs(TEXT_FIELDS) do
      local value = item[field]
      if pandoc.utils.type(value) == "Inlines" then
        value = straight_quotes(protect(value))
        if lang and lang ~= "en" then value = gloss(value) end
        if lang and lang ~= doc_lang then value = pandoc.Inlines({ lang_span(value, lang) }) end
        item[field] = value
      end
    end
  end
  doc.meta.references = refs
  doc.meta.bibliography = nil
  return doc
end
