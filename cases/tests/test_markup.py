import pytest

from cases.markup import render_markdown


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("Hello <script>alert('x')</script> world", "<script"),
        ("Hello <script>alert('x')</script> world", "alert("),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ('<a href="https://example.org" onclick="steal()">link</a>', "onclick"),
        ("[click me](javascript:alert(1))", 'href="javascript:'),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert(1)"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<form action="https://evil.example"><input name="password"></form>', "<input"),
    ],
)
def test_unsafe_markup_is_removed(markdown, forbidden):
    assert forbidden.lower() not in render_markdown(markdown).lower()


def test_markdown_formatting_survives_sanitising():
    html = render_markdown("Some *emphasis*, **bold** and a [link](https://doi.org/10.1136/x).\n\n- one\n- two")
    assert "<em>emphasis</em>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://doi.org/10.1136/x" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html


def test_citation_superscripts_are_kept():
    assert "Virchow<sup>1</sup> in 1855" in render_markdown("Virchow<sup>1</sup> in 1855")


def test_script_text_is_dropped_not_shown():
    html = render_markdown("Before<script>document.cookie</script>After")
    assert "document.cookie" not in html
    assert "Before" in html and "After" in html


def test_empty_text_renders_to_nothing():
    assert render_markdown("") == ""
