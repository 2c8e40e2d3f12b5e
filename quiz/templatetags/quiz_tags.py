from django import template

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
