from django import template

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
