"""Whether a figure's categories can be told apart by colour, by readers with normal
colour vision and with the two common red–green deficiencies.

A drawing job records, per figure and language, the colour each category of the
figure's legends is shown in (``legend_colours``: what the reader sees, an entry's
translucency laid over the white page). The figure-colour check
(``colour_problems``) simulates deuteranopia and protanopia (Machado, Oliveira and
Fernandes 2009, full severity, as ``colorspacious`` implements it) and measures the
distance between every two categories' colours in CAM02-UCS, the uniform colour space
of CIECAM02, where a distance of 1 is about one just-noticeable difference. Two
categories closer than the paper's minimum (registry: ``figure_colours``) are a
problem naming the figure, the language, the two categories, the vision and the
distance.
"""

from __future__ import annotations

from itertools import combinations

# What each simulated vision is called, and colorspacious's name for it (at severity 100
# an "-anomaly" is the full "-anopia").
VISIONS = {"normal": None, "deuteranopia": "deuteranomaly", "protanopia": "protanomaly"}

# The least distance (CAM02-UCS) between two categories when the registry sets none: ten
# just-noticeable differences, which the first seven colours of seaborn's "colorblind"
# palette keep under all three visions when the figures use them in its order.
MIN_DISTANCE = 10.0


def _hex(rgba) -> str:
    """``rgba`` (0–1, with alpha) as the opaque colour it shows on a white page."""
    red, green, blue, alpha = rgba
    shown = [alpha * channel + (1 - alpha) for channel in (red, green, blue)]
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in shown)


def _handle_colour(handle) -> str | None:
    """The colour a legend entry shows: a line's colour (a marker's face, or its edge
    when the face is empty), a patch's or a collection's face (its edge when unfilled);
    None for an entry without one."""
    from matplotlib.collections import Collection
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, Line2D):
        if handle.get_linestyle() in ("None", "none", "", " "):
            face = to_rgba(handle.get_markerfacecolor(), handle.get_alpha())
            colour = face if face[3] > 0 else to_rgba(handle.get_markeredgecolor())
        else:
            colour = to_rgba(handle.get_color(), handle.get_alpha())
    elif isinstance(handle, Patch):
        colour = handle.get_facecolor()
        if colour[3] == 0 or not handle.get_fill():
            colour = handle.get_edgecolor()
    elif isinstance(handle, Collection):
        faces = handle.get_facecolor()
        colour = faces[0] if len(faces) and faces[0][3] > 0 else handle.get_edgecolor()[0]
    else:
        return None
    return _hex(tuple(colour))


def legend_colours(fig) -> dict[str, str]:
    """Each category of ``fig``'s legends (its label) → the colour it is shown in
    (``#rrggbb``), in the legends' order; entries without a colour are left out."""
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    colours: dict[str, str] = {}
    for legend in legends:
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            colour = _handle_colour(handle)
            if colour is not None and text.get_text():
                colours[text.get_text()] = colour
    return colours


def _simulated(colours: dict[str, str], vision: str):
    """The colours as sRGB (0–1) rows, as a reader with ``vision`` sees them."""
    import numpy as np
    from colorspacious import cspace_convert

    rgb = np.array([[int(code[i : i + 2], 16) / 255 for i in (1, 3, 5)] for code in colours])
    if VISIONS[vision] is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": VISIONS[vision], "severity": 100}
    return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)


def closest_pair(colours: dict[str, str], vision: str) -> tuple[str, str, float] | None:
    """The two categories of ``colours`` (label → ``#rrggbb``) whose colours are closest
    for a reader with ``vision``, and their distance in CAM02-UCS; None for fewer than two."""
    from colorspacious import deltaE

    if len(colours) < 2:
        return None
    labels = list(colours)
    rgb = _simulated(list(colours.values()), vision)
    pairs = (
        (labels[i], labels[j], float(deltaE(rgb[i], rgb[j], input_space="sRGB1")))
        for i, j in combinations(range(len(labels)), 2)
    )
    return min(pairs, key=lambda pair: pair[2])


def colour_report(figures: dict[str, dict[str, dict[str, str]]]) -> dict:
    """figure → language → vision → the closest pair (``first``, ``second``, ``distance``
    rounded to 0.1), for every figure with at least two categories."""
    report: dict = {}
    for name, languages in figures.items():
        for lang, colours in languages.items():
            for vision in VISIONS:
                if pair := closest_pair(colours, vision):
                    first, second, distance = pair
                    report.setdefault(name, {}).setdefault(lang, {})[vision] = {
                        "first": first,
                        "second": second,
                        "distance": round(distance, 1),
                    }
    return report


def _seen_by(vision: str) -> str:
    return "with normal vision" if vision == "normal" else f"under simulated {vision}"


def colour_problems(report: dict, minimum: float) -> list[str]:
    """A line for every figure, language and vision whose closest two categories are
    less than ``minimum`` apart (``report``: ``colour_report``'s)."""
    return [
        f"figure {name} ({lang}): '{pair['first']}' and '{pair['second']}' are "
        f"{pair['distance']} apart {_seen_by(vision)} (CAM02-UCS; at least {minimum} "
        "needed): give one of them another colour of the palette"
        for name, languages in report.items()
        for lang, visions in languages.items()
        for vision, pair in visions.items()
        if pair["distance"] < minimum
    ]
