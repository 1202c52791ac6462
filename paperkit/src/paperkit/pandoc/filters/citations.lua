-- Finishes what citeproc wrote (filters/references.lua prepared its data).
-- Registered twice:
--
-- 1. After citeproc (defaults/citeproc.yaml). Turkish capitals: citeproc
--    capitalises a locale term that opens a sentence with a language-blind rule
--    (i → I): "Içinde". In a Turkish document, the terms of citeproc's tr-TR
--    locale that begin with a dotted i get their Turkish capital İ, in citations
--    and the reference list, outside text tagged with another language (a title
--    such as "Internet and ..." keeps its I). Page ranges: the tr-TR locale
--    joins them with a hyphen (195-211); the Turkish text, like the English, uses
--    an en dash for ranges (2013–2025), and so does its reference list now.
--    The reference data that references.lua put in the metadata is dropped: the
--    writers do not need it.
--
-- 2. In the Typst writer's pass (defaults/typst.yaml):
--    * Pandoc's Typst writer drops a span's `lang`: the spans references.lua
--      tagged become #text(lang: …)[…], so Typst hyphenates each title in its
--      language.
--    * Pandoc writes U+2019 as a straight quote, which Typst turns back into a
--      smart quote by guessing from the character before it: after "?" it guesses
--      an opening quote, as in ‘… What to Make of It?‘ (Kirişci 2012, English PDF),
--      because the opening quote citeproc wrote (a literal ‘) is invisible to the
--      guess. In citations and the reference list U+2019 is written literally.
--    * Figures float (placement: auto, templates/header.typ): a figure of the last
--      section could be set on a page of the reference list. Pending floats are
--      placed (#place.flush()) before the heading of the reference list.

-- The terms of citeproc's tr-TR locale (locales/tr-TR.xml) that begin with a
-- dotted i: "in" (içinde), "long-ordinal-02" (ikinci), "internet".
local TURKISH_I_TERMS = { "içinde", "ikinci", "internet" }

local function primary(tag)
  local p = tag and pandoc.utils.stringify(tag):match("^%a+")
  return p and p:lower() or nil
end

-- Terms the tr-TR locale lacks (newer than it), which citeproc takes from
-- en-US: an article online before its issue ("advance online publication").
-- In a Turkish document they are written in Turkish.
local ENGLISH_FALLBACK_TERMS = {
  { "advance online publication", "çevrimiçi erken yayın" },
}

-- `list` with each fallback term (its words as Str/Space, punctuation after the
-- last word kept) written in Turkish.
local function turkish_terms(list)
  local out, k = pandoc.Inlines({}), 1
  while k <= #list do
    local replaced = false
    for _, pair in ipairs(ENGLISH_FALLBACK_TERMS) do
      local words, j, rest = {}, k, nil
      for word in pair[1]:gmatch("%S+") do words[#words + 1] = word end
      for w, word in ipairs(words) do
        local el = list[j]
        if not (el and el.t == "Str") then break end
        if w < #words then
          if el.text ~= word or not (list[j + 1] and list[j + 1].t == "Space") then break end
          j = j + 2
        elseif el.text:sub(1, #word) == word and not el.text:sub(#word + 1):match("^[%w\128-\255]") then
          rest = el.text:sub(#word + 1)
        end
      end
      if rest then
        out:extend(pandoc.Inlines(pair[2] .. rest))
        k, replaced = j + 1, true
        break
      end
    end
    if not replaced then
      out:insert(list[k])
      k = k + 1
    end
  end
  return out
end

local function turkish_fixes(inlines)
  local function fix(list)
    list = turkish_terms(list)
    for k, el in ipairs(list) do
      if el.t == "Str" then
        for _, term in ipairs(TURKISH_I_TERMS) do
          local wrong = "I" .. term:sub(2)
          local rest = el.text:sub(#wrong + 1)
          if el.text:sub(1, #wrong) == wrong and not rest:match("^[%w\128-\255]") then
            list[k] = pandoc.Str("İ" .. term:sub(2) .. rest)
          end
        end
        local from, to, rest = el.text:match("^(%d+)%-(%d+)(%p*)$")
        if from then list[k] = pandoc.Str(from .. "\u{2013}" .. to .. rest) end
      elseif el.t == "Span" and el.attributes.lang and primary(el.attributes.lang) ~= "tr" then
        -- another language's text: left alone
      elseif pandoc.utils.type(el.content) == "Inlines" then
        el.content = fix(el.content)
      end
    end
    return list
  end
  return fix(inlines)
end

local function after_citeproc(doc)
  doc.meta.references = nil
  if primary(doc.meta.lang) ~= "tr" then return doc end
  return doc:walk({
    Div = function(div)
      if div.identifier == "refs" then
        return div:walk({
          Para = function(p) p.content = turkish_fixes(p.content); return p end,
          Plain = function(p) p.content = turkish_fixes(p.content); return p end,
        })
      end
    end,
    Cite = function(cite)
      cite.content = turkish_fixes(cite.content)
      return cite
    end,
  })
end

local APOSTROPHE = "\u{2019}"

local function literal_apostrophes(inlines)
  return inlines:walk({
    Str = function(str)
      local text = str.text
      if not text:find(APOSTROPHE, 1, true) then return nil end
      local out, at = pandoc.Inlines({}), 1
      while true do
        local s, e = text:find(APOSTROPHE, at, true)
        if not s then break end
        if s > at then out:insert(pandoc.Str(text:sub(at, s - 1))) end
        out:insert(pandoc.RawInline("typst", APOSTROPHE))
        at = e + 1
      end
      if at <= #text then out:insert(pandoc.Str(text:sub(at))) end
      return out
    end,
  })
end

-- The reference list (Div #refs) and the heading just before it, if any, follow
-- every pending float.
local function flush_floats_before_references(doc)
  for index, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.identifier == "refs" then
      local at = index
      if index > 1 and doc.blocks[index - 1].t == "Header" then at = index - 1 end
      doc.blocks:insert(at, pandoc.RawBlock("typst", "#place.flush()"))
      return doc
    end
  end
  return doc
end

local function typst_pass(doc)
  doc = doc:walk({
    Div = function(div)
      if div.identifier == "refs" then
        return div:walk({
          Para = function(p) p.content = literal_apostrophes(p.content); return p end,
          Plain = function(p) p.content = literal_apostrophes(p.content); return p end,
        })
      end
    end,
    Cite = function(cite)
      cite.content = literal_apostrophes(cite.content)
      return cite
    end,
  })
  doc = flush_floats_before_references(doc)
  return doc:walk({
    Span = function(span)
      local lang = primary(span.attributes.lang)
      if not lang then return nil end
      local out = pandoc.Inlines({ pandoc.RawInline("typst", '#text(lang: "' .. lang .. '")[') })
      out:extend(span.content)
      out:insert(pandoc.RawInline("typst", "]"))
      return out
    end,
  })
end

function Pandoc(doc)
  if FORMAT:match("typst") then return typst_pass(doc) end
  return after_citeproc(doc)
end
