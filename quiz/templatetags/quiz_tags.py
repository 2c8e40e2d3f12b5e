from django import template
from django.template.defaultfilters import floatformat, pluralize
from django.utils.html import format_html, format_html_join

from quiz.behaviours import CBM_RIGHT
from quiz.kinds.hotspot import figure_alt_text

register = template.Library()


@register.filter
def bound_field(form, name):
    """``{{ form|bound_field:name }}``: a form's field by a name held in a variable."""
    return form[name]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def scaled(mark, image):
    """A relative mark (x, y) scaled to an image's pixel size, for drawing in its SVG overlay."""
    return f"{mark[0] * image.width:.1f}", f"{mark[1] * image.height:.1f}"


@register.filter
def alt_text_on(figure, attempt):
    """``{{ figure|alt_text_on:attempt }}``: the figure's text alternative on this attempt's pages, which only
    names the image while a question not yet answered asks what is on it (``quiz.kinds.hotspot.figure_alt_text``)."""
    return figure_alt_text(figure, attempt or None)


@register.filter
def drawn_on(review, image):
    """``{{ fb.figure_review|drawn_on:image }}``: a finished hotspot step's drawing in the pixels of the image
    it is drawn over (``quiz.kinds.hotspot.FigureReview.drawing``); None without a review or an image."""
    if review is None or not image:
        return None
    return review.drawing(image.width, image.height)


@register.simple_tag
def svg_shape(shape, css_class):
    """``{% svg_shape zone.shape "class" %}``: a zone's outline (an SVG rect, ellipse or polygon) with a class."""
    attributes = format_html_join(" ", '{}="{}"', shape.attributes)
    return format_html('<{} {} class="{}"/>', shape.tag, attributes, css_class)


@register.simple_tag
def marks_out_of(awarded, possible, attempt) -> str:
    """ "1.5 of 2 marks"; under certainty-based marking, out of what every answer right at high certainty earns
    ("4.5 of 6 certainty-based marks"), since its marks run from −6 to 3 times a question's."""
    awarded, possible = float(awarded), float(possible)
    if getattr(getattr(attempt, "behaviour", None), "uses_certainty", False):
        best = possible * max(CBM_RIGHT.values())
        return f"{floatformat(awarded, -2)} of {floatformat(best, -2)} certainty-based marks"
    return f"{floatformat(awarded, -2)} of {floatformat(possible, -2)} mark{pluralize(possible)}"
