-- DOCX embeds the PNG rendition of each figure (Word's SVG support is uneven);
-- HTML and PDF keep the SVG that the reader pass chose.
function Image(image)
  image.src = image.src:gsub("%.svg$", ".png")
  return image
end
