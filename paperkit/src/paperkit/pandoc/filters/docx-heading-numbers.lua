-- DOCX only: each numbered heading's number as text followed by a space ("10.1 The
-- interrupted time series"), in Word's Section Number style. Pandoc's DOCX writer
-- would put a tab after the number, which jumps to the next default tab stop: where
-- the number is about as wide as that stop (a two-digit section's "10.1" in a wide
-- substitute font), the tab is a hairline and the number runs into the heading
-- (LibreOffice showed "10.1The"). The numbers are Pandoc's own (number-sections:
-- 1, 1.1, …; a heading of class `unnumbered` is skipped and counts nothing); the
-- heading is then marked unnumbered so that the writer adds no second number.
local counters = {}

function Header(header)
  if header.classes:includes("unnumbered") then return nil end
  local level = header.level
  for shallower = 1, level - 1 do counters[shallower] = counters[shallower] or 0 end
  counters[level] = (counters[level] or 0) + 1
  for deeper = level + 1, #counters do counters[deeper] = nil end
  local parts = {}
  for index = 1, level do table.insert(parts, tostring(counters[index])) end
  local number = pandoc.Span({ pandoc.Str(table.concat(parts, ".")) },
    pandoc.Attr("", {}, { ["custom-style"] = "Section Number" }))
  header.content:insert(1, pandoc.Space())
  header.content:insert(1, number)
  header.classes:insert("unnumbered")
  return header
end
