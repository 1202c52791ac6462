--[==[
trackdiff.lua: shows the tracked changes of a diff (paperkit.trackdiff) in HTML and
Typst. The marks are Pandoc's own: Span/Div with class "insertion" or "deletion"
(the DOCX writer turns the Spans into Word revisions by itself and needs no filter).

* HTML: a style sheet in the header (insertions green and underlined, deletions red
  and struck through, whole blocks with a coloured bar; the summary boxed).
* Typst: Pandoc's Typst writer drops the classes of Spans and Divs, so each mark
  becomes raw Typst around its (still Pandoc-written, hence escaped) content:
  #text(fill: …)[#underline[…]] / #strike[…], and whole blocks a #block with a
  coloured left stroke. A small gap separates a deletion from the insertion right
  after it ("0.68 0.61", not "0.680.61"). Needs `wrap: none` (diff.yaml): a line
  break just inside #underline[ would be underlined space.
]==]

local GREEN, RED = "#1a7f37", "#b3261e"

local CSS = [[
<style>
.insertion { color: ]] .. GREEN .. [[; text-decoration: underline; text-decoration-color: ]] .. GREEN .. [[; }
.deletion { color: ]] .. RED .. [[; text-decoration: line-through; text-decoration-color: ]] .. RED .. [[; }
span.deletion + span.insertion { margin-left: 0.25em; }
div.insertion, div.deletion { text-decoration: none; padding-left: 0.6em; }
div.insertion { border-left: 3px solid ]] .. GREEN .. [[; }
div.deletion { border-left: 3px solid ]] .. RED .. [[; }
.diff-summary { border: 1px solid #999; padding: 0.2em 1em; margin-bottom: 1.5em; font-size: 0.95em; }
</style>
]]

local function kind(el)
  if el.classes:includes("insertion") then return "insertion" end
  if el.classes:includes("deletion") then return "deletion" end
end

if FORMAT:match("html") then
  return {
    {
      Meta = function(meta)
        local includes = meta["header-includes"]
        if includes == nil then
          includes = pandoc.List({})
        elseif pandoc.utils.type(includes) ~= "List" then
          includes = pandoc.List({ includes })
        end
        includes:insert(pandoc.MetaBlocks({ pandoc.RawBlock("html", CSS) }))
        meta["header-includes"] = includes
        return meta
      end,
    },
  }
end

if not FORMAT:match("typst") then
  return {}
end

local colour = { insertion = 'rgb("' .. GREEN .. '")', deletion = 'rgb("' .. RED .. '")' }
local line = { insertion = "underline", deletion = "strike" }

local function is(el, class)
  return el and el.t == "Span" and el.classes:includes(class)
end

local gap = {
  Inlines = function(inlines)
    local out = pandoc.Inlines({})
    for i, el in ipairs(inlines) do
      out:insert(el)
      if is(el, "deletion") and is(inlines[i + 1], "insertion") then
        out:insert(pandoc.RawInline("typst", "#h(0.25em)"))
      end
    end
    return out
  end,
}

local function Span(el)
  local k = kind(el)
  if not k then return nil end
  local out = pandoc.Inlines({
    pandoc.RawInline("typst", "#text(fill: " .. colour[k] .. ")[#" .. line[k] .. "["),
  })
  out:extend(el.content)
  out:insert(pandoc.RawInline("typst", "]]"))
  return out
end

local function Div(el)
  if el.classes:includes("diff-summary") then -- the summary: boxed, small, one screen
    local out = pandoc.Blocks({
      pandoc.RawBlock("typst", "#block(stroke: 0.5pt + luma(150), inset: 8pt, width: 100%)[#set text(size: 8.5pt)"),
    })
    out:extend(el.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
  local k = kind(el)
  if not k then return nil end
  local out = pandoc.Blocks({
    pandoc.RawBlock("typst", "#block(stroke: (left: 1.5pt + " .. colour[k] .. "), inset: (left: 0.6em))["),
  })
  out:extend(el.content)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

return { gap, { Span = Span, Div = Div } }
