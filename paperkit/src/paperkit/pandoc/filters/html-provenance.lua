-- HTML only: under each figure and table, a line of links to the rule, script and
-- inputs that made it; each table focusable, for its sideways scroller (the resolver's `provenance` attribute: "rule|script|inputs").
-- Paths are relative to the repository root. They are links only when the paper names
-- where its repository is published (config manuscript.repository_url, passed as
-- metadata provenance-base, e.g. https://host/owner/paper/blob/main/): a link relative
-- to the build folder would break as soon as the HTML is read anywhere else.
local base = nil
-- The words come from the language's labels (manuscript/labels.yaml, `provenance`),
-- passed as metadata provenance-made, provenance-script and provenance-from.
local function language(meta)
  local function word(key)
    return pandoc.utils.stringify(meta["provenance-" .. key] or key)
  end
  return { made = word("made"), script = word("script"), from = word("from") }
end

local function repository(meta)
  local value = meta["provenance-base"]
  if value == nil then return nil end
  value = pandoc.utils.stringify(value)
  if value:sub(-1) ~= "/" then value = value .. "/" end
  return value
end

local w = {}

local function link(path)
  if base == nil then return pandoc.Code(path) end
  return pandoc.Link(pandoc.Code(path), base .. path)
end

local function note(value)
  local rule, script, inputs = value:match("^([^|]*)|([^|]*)|(.*)$")
  if not rule then return nil end
  local content = { pandoc.Str(w.made .. " "), pandoc.Code(rule), pandoc.Str(" ("),
                    pandoc.Str(w.script .. " "), link(script), pandoc.Str(")") }
  local first = true
  for path in inputs:gmatch("[^,]+") do
    table.insert(content, pandoc.Str(first and ("; " .. w.from .. " ") or ", "))
    table.insert(content, link(path))
    first = false
  end
  table.insert(content, pandoc.Str("."))
  return pandoc.Div({ pandoc.Para(content) }, pandoc.Attr("", { "provenance" }))
end

local function take(attr)
  local value = attr.attributes["provenance"]
  attr.attributes["provenance"] = nil
  return value
end

function Pandoc(doc)
  w = language(doc.meta)
  base = repository(doc.meta)
  doc.blocks = doc.blocks:walk({
    Figure = function(figure)
      local value
      figure = figure:walk({ Image = function(image)
        value = value or take(image.attr)
        return image
      end })
      if value then return { figure, note(value) } end
    end,
    Table = function(tbl)
      local value = take(tbl.attr)
      -- A table wider than a phone's screen scrolls sideways in its own box
      -- (paper.css): reachable by keyboard too (axe-core: scrollable-region-focusable).
      tbl.attr.attributes["tabindex"] = "0"
      if value then return { tbl, note(value) } end
      return tbl
    end,
  })
  return doc
end
