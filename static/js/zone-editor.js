// The hotspot zone editor in the question admin: shows the chosen figure with the zones drawn on it, and
// lets the educator draw a zone on it with the mouse (or a pen or finger), as a rectangle, an ellipse or a
// polygon. Coordinates are fractions of the image's width and height, written into the zone's "shape" and
// "coordinates" fields, where they can still be edited as numbers (quiz.grading.hotspot says what each
// shape stores: rect [x, y, width, height]; circle [cx, cy, r], r a fraction of the width in a square
// space, so an ellipse with the image's proportions in pixels; polygon [[x, y], ...]).
//
// An ellipse drawn with the image's own proportions is saved as a circle; any other ellipse as a polygon
// of ELLIPSE_CORNERS corners, since the grader's only round shape is that circle.
//
// Small zones are drawn zoomed in: the image zooms (buttons, mouse wheel, pinch) and pans (the "Move" tool)
// with Panzoom, the library of the learners' figure viewer (static/js/figure-viewer.js), loaded from the
// same static folder as this script. Pointer positions are read against the image's box on screen, which
// includes the zoom and pan, so a zone lands where it is drawn at any zoom.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var STATIC = here ? here.slice(0, here.lastIndexOf("/js/") + 1) : null;
  var MAX_SCALE = 8;
  var SVG = "http://www.w3.org/2000/svg";
  var ELLIPSE_CORNERS = 24;
  // A drawn zone smaller than this (a fraction of the image each way) was a slip, not a zone.
  var MIN_SIZE = 0.01;
  // A polygon closes when a corner is placed this near its first one (a fraction of the image's width).
  var CLOSE_TO_START = 0.02;

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

  function round(v) { return Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000; }

  function shape(name, attributes, cls) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    node.setAttribute("class", cls);
    node.setAttribute("vector-effect", "non-scaling-stroke");
    return node;
  }

  // The corners of an ellipse inscribed in a box, in order round it.
  function ellipseCorners(box) {
    var corners = [];
    for (var i = 0; i < ELLIPSE_CORNERS; i += 1) {
      var angle = (2 * Math.PI * i) / ELLIPSE_CORNERS;
      corners.push([round(box.x + box.w / 2 + (box.w / 2) * Math.cos(angle)),
        round(box.y + box.h / 2 + (box.h / 2) * Math.sin(angle))]);
    }
    return corners;
  }

  ready(function () {
    var editor = document.querySelector(".zone-editor");
    var select = document.getElementById("id_figure");
    if (!editor || !select) { return; }
    var figures = parse(editor.getAttribute("data-figures")) || {};
    var canvas = editor.querySelector(".zone-editor-canvas");
    var image = document.createElement("img");
    image.alt = "The figure to draw zones on";
    image.draggable = false;
    var overlay = document.createElementNS(SVG, "svg");
    overlay.setAttribute("aria-hidden", "true");
    overlay.setAttribute("viewBox", "0 0 1 1");
    overlay.setAttribute("preserveAspectRatio", "none");
    canvas.appendChild(image);
    canvas.appendChild(overlay);

    // The tools: one shape at a time, chosen with radio buttons above the image.
    var tools = document.createElement("fieldset");
    tools.className = "zone-editor-tools";
    tools.style.border = "0";
    tools.style.padding = "0";
    tools.style.margin = "0.5rem 0 0";
    var legend = document.createElement("legend");
    legend.textContent = "Shape to draw";
    tools.appendChild(legend);
    [["rect", "Rectangle"], ["ellipse", "Ellipse"], ["polygon", "Polygon"], ["move", "Move the zoomed image"]]
      .forEach(function (pair, index) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "zone-editor-tool";
      radio.value = pair[0];
      radio.checked = index === 0;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + pair[1]));
      // Inline styles from script are allowed by the CSP; the admin's stylesheet is not this file's.
      label.style.display = "inline-block";
      label.style.marginRight = "1rem";
      label.style.width = "auto";
      tools.appendChild(label);
    });
    var howto = document.createElement("p");
    howto.className = "help zone-editor-howto";
    howto.id = "zone-editor-howto";
    howto.style.marginLeft = "0";
    howto.style.paddingLeft = "0";
    tools.appendChild(howto);
    canvas.parentNode.insertBefore(tools, canvas);
    var status = document.createElement("p");
    status.className = "help zone-editor-status";
    status.setAttribute("aria-live", "polite");
    status.style.marginLeft = "0";
    status.style.paddingLeft = "0";
    canvas.parentNode.insertBefore(status, canvas.nextSibling);

    function tool() { return tools.querySelector("input:checked").value; }

    function explain() {
      howto.textContent = {
        rect: "Drag across the image to draw a rectangle.",
        ellipse: "Drag across the image to draw an ellipse in that box.",
        move: "Drag to move the zoomed image; the mouse wheel or the buttons zoom.",
        polygon: "Click each corner in turn; click the first corner again, double-click, or press Enter to " +
          "close the polygon. Backspace takes back the last corner, Escape starts again."
      }[tool()];
    }
    tools.addEventListener("change", function () { cancel(); explain(); });

    function redraw() {
      while (overlay.firstChild) { overlay.removeChild(overlay.firstChild); }
      zoneRows().forEach(function (row) {
        var kind = field(row, "shape"), coords = field(row, "coordinates"), correct = field(row, "correct");
        var c = coords && parse(coords.value);
        if (!kind || !Array.isArray(c)) { return; }
        var cls = correct && correct.checked ? "zone-correct" : "zone-wrong";
        if (kind.value === "rect" && c.length === 4) {
          overlay.appendChild(shape("rect", { x: c[0], y: c[1], width: c[2], height: c[3] }, cls));
        }
        // r is a fraction of the width across and of the height down (the grader's square space), so in
        // this 0–1 drawing both radii are r: an ellipse with the image's proportions, as the grader sees it.
        if (kind.value === "circle" && c.length === 3) {
          overlay.appendChild(shape("ellipse", { cx: c[0], cy: c[1], rx: c[2], ry: c[2] }, cls));
        }
        if (kind.value === "polygon" && c.length >= 3 && c.every(Array.isArray)) {
          overlay.appendChild(shape("polygon", { points: c.map(function (p) { return p.join(","); }).join(" ") },
            cls));
        }
      });
      drawPending();
    }

    function show() {
      var figure = figures[select.value];
      canvas.hidden = tools.hidden = !figure;
      if (figure) { image.src = figure.url; image.width = figure.width; image.height = figure.height; }
      cancel();
      explain();
    }

    function emptyZoneRow() {
      var rows = zoneRows().filter(function (row) {
        var c = field(row, "coordinates");
        return c && (!c.value.trim() || c.value.trim() === "null");
      });
      if (rows.length) { return rows[0]; }
      var add = document.querySelector("#zones-group .add-row a");
      if (!add) { return null; }
      add.click();
      rows = zoneRows();
      return rows[rows.length - 1];
    }

    function save(kind, coordinates, words) {
      var row = emptyZoneRow();
      if (!row) { status.textContent = "No free zone row to put the " + words + " in."; redraw(); return; }
      field(row, "shape").value = kind;
      field(row, "coordinates").value = JSON.stringify(coordinates);
      var key = field(row, "key");
      if (key && !key.value) { key.value = "zone-" + (zoneRows().indexOf(row) + 1); }
      status.textContent = (/^[aeiou]/.test(words) ? "An " : "A ") + words + " was added to zone " + (zoneRows().indexOf(row) + 1) +
        ": give it a label.";
      var label = field(row, "label");
      if (label) { label.focus(); }
      redraw();
    }

    // Where a pointer is on the image, as fractions; the image's box on screen includes any zoom.
    function point(event) {
      var box = image.getBoundingClientRect();
      return {
        x: round((event.clientX - box.left) / box.width),
        y: round((event.clientY - box.top) / box.height)
      };
    }

    // What is being drawn: a box dragged from `start` (rectangle, ellipse), or a polygon's corners so far.
    var start = null, end = null, corners = [], hover = null;

    function cancel() { start = end = hover = null; corners = []; redraw(); }

    function drawPending() {
      if (start && end) {
        var box = { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y),
          w: Math.abs(end.x - start.x), h: Math.abs(end.y - start.y) };
        overlay.appendChild(tool() === "ellipse"
          ? shape("ellipse", { cx: box.x + box.w / 2, cy: box.y + box.h / 2, rx: box.w / 2, ry: box.h / 2 },
            "zone-drawing")
          : shape("rect", { x: box.x, y: box.y, width: box.w, height: box.h }, "zone-drawing"));
      }
      if (corners.length) {
        var points = corners.concat(hover ? [[hover.x, hover.y]] : []);
        overlay.appendChild(shape("polyline", { points: points.map(function (p) { return p.join(","); }).join(" ") },
          "zone-drawing"));
      }
    }

    function finishBox() {
      var s = start, e = end;
      start = end = null;
      if (!s || !e) { redraw(); return; }
      var box = { x: Math.min(s.x, e.x), y: Math.min(s.y, e.y), w: Math.abs(e.x - s.x), h: Math.abs(e.y - s.y) };
      if (box.w < MIN_SIZE || box.h < MIN_SIZE) { redraw(); return; }
      if (tool() === "rect") {
        save("rect", [round(box.x), round(box.y), round(box.w), round(box.h)], "rectangle");
      } else if (Math.abs(box.w - box.h) <= 0.02 * Math.max(box.w, box.h)) {
        // As wide in fractions of the width as it is high in fractions of the height: the grader's circle.
        save("circle", [round(box.x + box.w / 2), round(box.y + box.h / 2), round((box.w + box.h) / 4)], "ellipse");
      } else {
        save("polygon", ellipseCorners(box), "ellipse");
      }
    }

    function finishPolygon() {
      var done = corners;
      corners = [];
      hover = null;
      if (done.length < 3) {
        status.textContent = "A polygon needs at least three corners.";
        redraw();
        return;
      }
      save("polygon", done, "polygon of " + done.length + " corners");
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || tool() === "move") { return; }
      event.preventDefault();
      event.stopImmediatePropagation(); // drawing, not panning (Panzoom listens on the canvas too)
      var p = point(event);
      if (tool() === "polygon") {
        var first = corners[0], last = corners[corners.length - 1];
        if (first && corners.length >= 3 && Math.hypot(p.x - first[0], p.y - first[1]) <= CLOSE_TO_START) {
          finishPolygon();
          return;
        }
        // The second press of a double-click lands on the last corner: it closes the polygon instead.
        if (last && Math.hypot(p.x - last[0], p.y - last[1]) < 0.004) { return; }
        corners.push([p.x, p.y]);
        status.textContent = corners.length + (corners.length === 1 ? " corner" : " corners") + " placed.";
        redraw();
        return;
      }
      start = p;
      end = null;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (tool() === "move") { return; }
      if (tool() === "polygon") {
        if (corners.length) { hover = point(event); redraw(); }
        return;
      }
      if (!start) { return; }
      end = point(event);
      redraw();
    });
    canvas.addEventListener("dblclick", function (event) {
      if (tool() === "polygon" && corners.length) { event.preventDefault(); finishPolygon(); }
    });
    window.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      end = point(event);
      finishBox();
    });
    document.addEventListener("keydown", function (event) {
      if (tool() !== "polygon" || !corners.length) { return; }
      if (event.key === "Enter") { event.preventDefault(); finishPolygon(); }
      if (event.key === "Escape") { event.preventDefault(); cancel(); status.textContent = "Polygon discarded."; }
      if (event.key === "Backspace" && event.target === document.body) {
        event.preventDefault();
        corners.pop();
        redraw();
      }
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
    setUpZoom();

    // The canvas sits in a frame that clips it; Panzoom scales and moves it inside.
    function setUpZoom() {
      if (!STATIC) { return; }
      var frame = document.createElement("div");
      frame.className = "zone-editor-frame";
      frame.style.overflow = "hidden";
      frame.style.width = "min(640px, 100%)";
      frame.style.marginTop = "0.5rem";
      frame.style.outline = "1px solid #999";
      canvas.parentNode.insertBefore(frame, canvas);
      frame.appendChild(canvas);
      canvas.style.marginTop = "0";
      canvas.style.width = "100%";
      var bar = document.createElement("p");
      bar.className = "zone-editor-zoom";
      var readout = document.createElement("span");
      readout.setAttribute("aria-live", "polite");
      function button(text, label) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "button";
        b.textContent = text;
        b.setAttribute("aria-label", label);
        b.style.marginRight = "0.25rem";
        bar.appendChild(b);
        return b;
      }
      var zoomOut = button("−", "Zoom out");
      var zoomIn = button("+", "Zoom in");
      var reset = button("Reset zoom", "Reset zoom");
      bar.appendChild(readout);
      frame.parentNode.insertBefore(bar, frame);
      function hideWithCanvas() { frame.hidden = bar.hidden = canvas.hidden; }
      select.addEventListener("change", hideWithCanvas);
      hideWithCanvas();

      var script = document.createElement("script");
      script.src = STATIC + "vendor/panzoom/panzoom.min.js";
      script.onload = function () {
        var panzoom = window.Panzoom(canvas, { minScale: 1, maxScale: MAX_SCALE, animate: false, cursor: "crosshair" });
        function say() { readout.textContent = "Zoom " + Math.round(panzoom.getScale() * 100) + "%."; }
        function zoomBy(steps) {
          var level = Math.round(2 * Math.log2(panzoom.getScale())) + steps;
          var box = frame.getBoundingClientRect();
          panzoom.zoomToPoint(Math.min(MAX_SCALE, Math.max(1, Math.pow(2, level / 2))),
            { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 }, { animate: false });
          say();
        }
        zoomIn.addEventListener("click", function () { zoomBy(1); });
        zoomOut.addEventListener("click", function () { zoomBy(-1); });
        reset.addEventListener("click", function () { panzoom.reset({ animate: false }); say(); });
        frame.addEventListener("wheel", function (event) { panzoom.zoomWithWheel(event); say(); }, { passive: false });
        tools.addEventListener("change", function () {
          panzoom.setOptions({ cursor: tool() === "move" ? "grab" : "crosshair" });
        });
        select.addEventListener("change", function () { panzoom.reset({ animate: false }); say(); });
        say();
      };
      document.head.appendChild(script);
    }
  });
})();
