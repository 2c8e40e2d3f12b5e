// The hotspot zone editor in the question admin: shows the chosen figure with the zones drawn on it,
// and lets the educator drag a rectangle to add a zone. Coordinates are fractions of the image's
// width and height, written into the zone's "coordinates" field, where they can be edited as numbers.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function zoneRows() {
    return Array.prototype.filter.call(document.querySelectorAll(".inline-related"), function (row) {
      return row.id && row.id.indexOf("zones-") === 0 && row.id !== "zones-empty";
    });
  }

  function field(row, name) { return row.querySelector("[name$='-" + name + "']"); }

  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }

  ready(function () {
    var editor = document.querySelector(".zone-editor");
    var select = document.getElementById("id_figure");
    if (!editor || !select) { return; }
    var figures = parse(editor.getAttribute("data-figures")) || {};
    var canvas = editor.querySelector(".zone-editor-canvas");
    var image = document.createElement("img");
    image.alt = "The figure to draw zones on";
    var overlay = document.createElementNS(SVG, "svg");
    overlay.setAttribute("aria-hidden", "true");
    canvas.appendChild(image);
    canvas.appendChild(overlay);

    function rect(x, y, w, h, cls) {
      var r = document.createElementNS(SVG, "rect");
      r.setAttribute("x", x); r.setAttribute("y", y); r.setAttribute("width", w); r.setAttribute("height", h);
      r.setAttribute("class", cls);
      overlay.appendChild(r);
      return r;
    }

    function redraw() {
      while (overlay.firstChild) { overlay.removeChild(overlay.firstChild); }
      overlay.setAttribute("viewBox", "0 0 1 1");
      overlay.setAttribute("preserveAspectRatio", "none");
      zoneRows().forEach(function (row) {
        var shape = field(row, "shape"), coords = field(row, "coordinates"), correct = field(row, "correct");
        var c = coords && parse(coords.value);
        if (!shape || !Array.isArray(c)) { return; }
        var cls = correct && correct.checked ? "zone-correct" : "zone-wrong";
        if (shape.value === "rect" && c.length === 4) { rect(c[0], c[1], c[2], c[3], cls).setAttribute("vector-effect", "non-scaling-stroke"); }
        if (shape.value === "circle" && c.length === 3) {
          var circle = document.createElementNS(SVG, "ellipse");
          var ratio = image.naturalWidth && image.naturalHeight ? image.naturalWidth / image.naturalHeight : 1;
          circle.setAttribute("cx", c[0]); circle.setAttribute("cy", c[1]);
          circle.setAttribute("rx", c[2]); circle.setAttribute("ry", c[2] * ratio);
          circle.setAttribute("class", cls); circle.setAttribute("vector-effect", "non-scaling-stroke");
          overlay.appendChild(circle);
        }
        if (shape.value === "polygon" && c.length >= 3) {
          var polygon = document.createElementNS(SVG, "polygon");
          polygon.setAttribute("points", c.map(function (p) { return p.join(","); }).join(" "));
          polygon.setAttribute("class", cls); polygon.setAttribute("vector-effect", "non-scaling-stroke");
          overlay.appendChild(polygon);
        }
      });
    }

    function show() {
      var figure = figures[select.value];
      canvas.hidden = !figure;
      if (figure) { image.src = figure.url; image.width = figure.width; image.height = figure.height; }
      redraw();
    }

    function emptyZoneRow() {
      var rows = zoneRows().filter(function (row) { var c = field(row, "coordinates"); return c && !c.value.trim(); });
      if (rows.length) { return rows[0]; }
      var add = document.querySelector("#zones-group .add-row a");
      if (!add) { return null; }
      add.click();
      rows = zoneRows();
      return rows[rows.length - 1];
    }

    var start = null, drawing = null;
    function point(event) {
      var box = image.getBoundingClientRect();
      return {
        x: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)),
        y: Math.min(1, Math.max(0, (event.clientY - box.top) / box.height))
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      start = point(event);
      drawing = rect(start.x, start.y, 0, 0, "zone-drawing");
      drawing.setAttribute("vector-effect", "non-scaling-stroke");
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      var p = point(event);
      drawing.setAttribute("x", Math.min(start.x, p.x)); drawing.setAttribute("y", Math.min(start.y, p.y));
      drawing.setAttribute("width", Math.abs(p.x - start.x)); drawing.setAttribute("height", Math.abs(p.y - start.y));
    });
    window.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var p = point(event), s = start;
      start = null;
      var w = Math.abs(p.x - s.x), h = Math.abs(p.y - s.y);
      if (w < 0.01 || h < 0.01) { redraw(); return; }
      var row = emptyZoneRow();
      if (!row) { redraw(); return; }
      var round = function (v) { return Math.round(v * 10000) / 10000; };
      field(row, "shape").value = "rect";
      field(row, "coordinates").value = JSON.stringify([round(Math.min(s.x, p.x)), round(Math.min(s.y, p.y)), round(w), round(h)]);
      var key = field(row, "key");
      if (key && !key.value) { key.value = "zone-" + (zoneRows().indexOf(row) + 1); }
      var label = field(row, "label");
      if (label) { label.focus(); }
      redraw();
    });

    select.addEventListener("change", show);
    document.addEventListener("input", function (event) {
      if (event.target.name && /zones-\d+-(coordinates|shape|correct)$/.test(event.target.name)) { redraw(); }
    });
    document.addEventListener("change", function (event) {
      if (event.target.name && /zones-\d+-(shape|correct)$/.test(event.target.name)) { redraw(); }
    });
    image.addEventListener("load", redraw);
    show();
  });
})();
