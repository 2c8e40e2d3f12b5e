// The figure viewer: a figure opens full screen in a modal dialog, where it can be zoomed (pinch, wheel,
// the + and − buttons and keys), panned (drag, arrow keys) and reset, and a radiograph's brightness and
// contrast changed or its greys inverted. The caption and the illustration or consent notice stay in view.
//
// Without JavaScript every opener is a plain link to the figure's largest rendition, so nothing here is
// needed to see a figure large. The viewer asks for pixels only as they are needed: its image carries the
// figure's srcset, and "sizes" says how wide it is drawn on screen times the zoom, so the browser fetches a
// larger rendition only once the learner zooms in. Pan and zoom come from Panzoom (static/vendor/panzoom,
// MIT), loaded the first time a viewer opens, so a page that never opens one does not pay for it.
//
// On a hotspot question (templates/quiz/_hotspot.html) the viewer is also where marks are placed while
// zoomed: a tap or click marks the point of the image under it, whatever the zoom and pan, and the keyboard
// crosshair of static/js/hotspot.js works inside the viewer, which pans to keep it in view. The marks go
// through hotspot.js into the same form fields as marks placed on the page, so grading does not change.
(function () {
  "use strict";
  var script = document.currentScript;
  var PANZOOM_URL = script && script.getAttribute("data-panzoom");
  // Zoom goes in steps of √2 (two steps double it), from the fitted image (1) to eight times that.
  var MAX_SCALE = 8;
  // An arrow key pans by this fraction of the viewer's size; with Shift, by BIG_PAN.
  var PAN = 0.1;
  var BIG_PAN = 0.4;
  // A pointer that moves less than this many CSS pixels between press and release is a tap, not a drag.
  var TAP_SLOP = 6;

  var panzoomLoading = null;
  function loadPanzoom() {
    if (window.Panzoom) { return Promise.resolve(window.Panzoom); }
    if (!panzoomLoading) {
      panzoomLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = PANZOOM_URL;
        tag.onload = function () { resolve(window.Panzoom); };
        tag.onerror = function () { panzoomLoading = null; reject(new Error("Panzoom did not load")); };
        document.head.appendChild(tag);
      });
    }
    return panzoomLoading;
  }

  function element(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function button(label, text, action) {
    var node = element("button", { type: "button", "class": "btn btn-sm btn-light", "aria-label": label }, text);
    node.setAttribute("data-action", action);
    return node;
  }

  function slider(id, text, value) {
    var wrap = element("div", { "class": "figure-viewer-slider" });
    var label = element("label", { "for": id }, text);
    var input = element("input", { type: "range", id: id, min: "25", max: "300", step: "5", value: String(value),
      "class": "form-range" });
    var output = element("output", { "for": id, "class": "figure-viewer-value" }, value + "%");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(output);
    return { wrap: wrap, input: input, output: output };
  }

  // The dialog is built once per page and reused by every figure on it.
  var viewer = null;

  function build() {
    var dialog = element("dialog", { "class": "figure-viewer", "aria-labelledby": "figure-viewer-title",
      "aria-describedby": "figure-viewer-help" });
    var bar = element("div", { "class": "figure-viewer-bar" });
    var title = element("h2", { id: "figure-viewer-title", "class": "figure-viewer-title" });
    var tools = element("div", { "class": "figure-viewer-tools", role: "group", "aria-label": "Zoom" });
    var zoomOut = button("Zoom out", "−", "zoom-out");
    var zoomIn = button("Zoom in", "+", "zoom-in");
    var reset = button("Reset zoom, position and image adjustments", "Reset", "reset");
    var close = button("Close the full-screen figure", "Close", "close");
    close.classList.replace("btn-light", "btn-warning");
    tools.appendChild(zoomOut);
    tools.appendChild(zoomIn);
    tools.appendChild(reset);
    bar.appendChild(title);
    bar.appendChild(tools);
    bar.appendChild(close);

    var adjust = element("div", { "class": "figure-viewer-adjust", role: "group",
      "aria-label": "Image adjustments" });
    var brightness = slider("figure-viewer-brightness", "Brightness", 100);
    var contrast = slider("figure-viewer-contrast", "Contrast", 100);
    var invertWrap = element("div", { "class": "form-check form-switch figure-viewer-invert" });
    var invert = element("input", { type: "checkbox", id: "figure-viewer-invert", "class": "form-check-input",
      role: "switch" });
    invertWrap.appendChild(invert);
    invertWrap.appendChild(element("label", { "for": "figure-viewer-invert", "class": "form-check-label" },
      "Invert"));
    adjust.appendChild(brightness.wrap);
    adjust.appendChild(contrast.wrap);
    adjust.appendChild(invertWrap);

    var viewport = element("div", { "class": "figure-viewer-viewport", tabindex: "0", role: "application",
      "aria-describedby": "figure-viewer-help figure-viewer-status" });
    var stage = element("div", { "class": "figure-viewer-stage" });
    viewport.appendChild(stage);

    // A long caption (a hotspot review's legend) scrolls here: focusable, so the keyboard can scroll it too.
    var foot = element("div", { "class": "figure-viewer-foot", role: "region", tabindex: "0",
      "aria-label": "Caption" });
    var status = element("p", { id: "figure-viewer-status", "class": "figure-viewer-status", "aria-live": "polite" });
    var help = element("p", { id: "figure-viewer-help", "class": "figure-viewer-help" });
    var caption = element("div", { "class": "figure-viewer-caption" });
    foot.appendChild(caption);
    foot.appendChild(status);
    foot.appendChild(help);

    dialog.appendChild(bar);
    dialog.appendChild(adjust);
    dialog.appendChild(viewport);
    dialog.appendChild(foot);
    document.body.appendChild(dialog);

    var state = { opener: null, panzoom: null, hotspot: null, aspect: 1, fitted: 0, requested: 0,
      img: null, source: null, overlay: null, overlaySource: null, pointers: {}, tap: null };

    function announce(text) { status.textContent = text; }

    function scale() { return state.panzoom ? state.panzoom.getScale() : 1; }

    function describeZoom() {
      announce("Zoom " + Math.round(scale() * 100) + "%.");
    }

    // How wide the image is drawn, times the zoom, is what the browser picks a rendition for. Only ever
    // raised: a rendition already loaded is kept when zooming out again.
    function updateSizes() {
      if (!state.img) { return; }
      var wanted = Math.ceil(state.fitted * scale());
      if (wanted <= state.requested) { return; }
      state.requested = wanted;
      state.img.sizes = wanted + "px";
      if (state.source) { state.source.sizes = wanted + "px"; }
    }

    function filters() {
      brightness.output.textContent = brightness.input.value + "%";
      contrast.output.textContent = contrast.input.value + "%";
      if (!state.img) { return; }
      state.img.style.filter = "brightness(" + brightness.input.value + "%) contrast(" + contrast.input.value +
        "%)" + (invert.checked ? " invert(1)" : "");
    }

    // The stage is the image's size when it fits the viewer's free space; Panzoom scales and moves it.
    function fit() {
      var box = viewport.getBoundingClientRect();
      var width = Math.min(box.width, box.height * state.aspect);
      state.fitted = Math.max(1, Math.floor(width));
      stage.style.width = state.fitted + "px";
      stage.style.height = Math.floor(state.fitted / state.aspect) + "px";
      updateSizes();
    }

    function centre() {
      var box = viewport.getBoundingClientRect();
      return { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
    }

    function zoomBy(steps, point) {
      if (!state.panzoom) { return; }
      var level = Math.round(2 * Math.log2(scale())) + steps;
      var target = Math.min(MAX_SCALE, Math.max(1, Math.pow(2, level / 2)));
      state.panzoom.zoomToPoint(target, point || aimPoint() || centre(), { animate: false });
    }

    function panBy(dx, dy) {
      if (!state.panzoom) { return; }
      var s = scale();
      state.panzoom.pan(dx / s, dy / s, { relative: true, animate: false });
    }

    function resetAll() {
      if (state.panzoom) { state.panzoom.reset({ animate: false }); }
      brightness.input.value = 100;
      contrast.input.value = 100;
      invert.checked = false;
      filters();
      describeZoom();
    }

    // Where a point on screen falls on the image, as fractions of its width and height. The image's box
    // on screen already includes Panzoom's scale and translation, so this holds at any zoom and pan.
    function imageFraction(clientX, clientY) {
      var rect = state.img.getBoundingClientRect();
      return { x: (clientX - rect.left) / rect.width, y: (clientY - rect.top) / rect.height };
    }

    // The point on screen under the hotspot crosshair, when it is showing.
    function aimPoint() {
      if (!state.hotspot || !stage.classList.contains("is-aiming")) { return null; }
      var aim = state.hotspot.aim();
      var rect = state.img.getBoundingClientRect();
      return { clientX: rect.left + aim.x * rect.width, clientY: rect.top + aim.y * rect.height };
    }

    // Keep the crosshair inside the visible part of the image: pan just enough to bring it back.
    function follow() {
      var point = aimPoint();
      if (!point) { return; }
      var box = viewport.getBoundingClientRect();
      var margin = Math.min(48, box.width / 4, box.height / 4);
      var dx = 0, dy = 0;
      if (point.clientX < box.left + margin) { dx = box.left + margin - point.clientX; }
      if (point.clientX > box.right - margin) { dx = box.right - margin - point.clientX; }
      if (point.clientY < box.top + margin) { dy = box.top + margin - point.clientY; }
      if (point.clientY > box.bottom - margin) { dy = box.bottom - margin - point.clientY; }
      if (dx || dy) { panBy(dx, dy); }
    }

    // The hotspot's drawing (marks and crosshair) is copied from the page, so the two never disagree.
    function copyOverlay() {
      if (!state.overlaySource) { return; }
      var copy = state.overlaySource.cloneNode(true);
      copy.removeAttribute("id");
      if (state.overlay) { state.overlay.replaceWith(copy); } else { stage.appendChild(copy); }
      state.overlay = copy;
    }

    function open(opener) {
      state.opener = opener;
      state.hotspot = null;
      state.overlaySource = null;
      var container = opener.getAttribute("data-hotspot-for") && opener.closest("[data-hotspot]");
      if (container && container.hotspot) { state.hotspot = container.hotspot; }
      state.overlaySource = state.hotspot ? container.querySelector(".hotspot-overlay") :
        opener.querySelector(".hotspot-overlay");

      var label = opener.getAttribute("data-title") || "Figure";
      title.textContent = label;
      viewport.setAttribute("aria-label", label + (state.hotspot ? ": zoomable image to mark" : ": zoomable image"));
      help.textContent = state.hotspot
        ? "Tap or click the image to place a mark; drag, pinch or use the mouse wheel to move and zoom. " +
          "Keys: arrows move the crosshair (Shift for bigger steps), Enter or Space places a mark, Delete " +
          "removes the last one, + and − zoom, 0 resets, Escape closes."
        : "Drag, pinch or use the mouse wheel to move and zoom. Keys: + and − zoom, arrows move the image " +
          "(Shift for bigger steps), 0 resets, Escape closes.";

      // Caption and notices: the figure's own caption on the page, or the element the opener names.
      caption.textContent = "";
      var captionId = opener.getAttribute("data-caption");
      var from = captionId ? document.getElementById(captionId) : null;
      if (!from) {
        var figure = opener.closest("figure");
        from = figure && figure.querySelector("figcaption");
      }
      if (from) {
        Array.prototype.forEach.call(from.childNodes, function (node) {
          caption.appendChild(node.cloneNode(true));
        });
        // The copy is for reading: a link to a larger view is no use in the viewer, other links would lead off
        // the dialog (their text is kept), and ids would be duplicates.
        Array.prototype.forEach.call(caption.querySelectorAll(".figure-viewer-skip"), function (node) {
          node.remove();
        });
        Array.prototype.forEach.call(caption.querySelectorAll("a"), function (a) {
          a.replaceWith(document.createTextNode(a.textContent));
        });
        Array.prototype.forEach.call(caption.querySelectorAll("[id]"), function (node) { node.removeAttribute("id"); });
      }
      if (opener.hasAttribute("data-notice")) {
        caption.appendChild(element("p", { "class": "figure-viewer-notice" }, opener.getAttribute("data-notice")));
      }

      adjust.hidden = opener.getAttribute("data-modality") !== "radiograph";

      stage.textContent = "";
      state.overlay = null;
      state.img = state.source = null;
      stage.classList.remove("is-aiming");
      dialog.classList.toggle("is-marking", !!state.hotspot);
      var width = Number(opener.getAttribute("data-width")) || 1;
      var height = Number(opener.getAttribute("data-height")) || 1;
      state.aspect = width / height;
      dialog.showModal();
      fit(); // measures the free space, now that the dialog is shown

      // The image: the figure's renditions, with "sizes" set to the width it is drawn at before any source
      // is given, since an image starts loading as soon as it has one (see updateSizes).
      var wanted = state.fitted + "px";
      state.requested = state.fitted;
      var picture = element("picture");
      // The renditions: the opener's own, or (a figure's picture on the case page) those of the picture inside it.
      var inner = opener.querySelector("img");
      var innerWebp = opener.querySelector('source[type="image/webp"]');
      var webp = opener.getAttribute("data-srcset-webp") || (innerWebp && innerWebp.getAttribute("srcset"));
      if (webp) {
        state.source = element("source", { type: "image/webp", sizes: wanted, srcset: webp });
        picture.appendChild(state.source);
      }
      state.img = element("img", { alt: opener.getAttribute("data-alt") || (inner && inner.alt) || label,
        width: String(width), height: String(height), "class": "figure-viewer-image", draggable: "false",
        sizes: wanted });
      state.img.srcset = opener.getAttribute("data-srcset-jpeg") || (inner && inner.getAttribute("srcset")) || "";
      state.img.src = opener.getAttribute("href");
      picture.appendChild(state.img);
      stage.appendChild(picture);
      copyOverlay();
      filters();
      return loadPanzoom().then(function (Panzoom) {
        if (state.panzoom) { state.panzoom.destroy(); }
        state.panzoom = Panzoom(stage, { canvas: true, minScale: 1, maxScale: MAX_SCALE, step: 0.3,
          animate: false, cursor: state.hotspot ? "crosshair" : "grab" });
        resetAll();
        viewport.focus();
        dialog.classList.add("is-ready");
      }).catch(function () {
        announce("Zooming is not available: the image is shown at the size of the screen.");
        viewport.focus();
      });
    }

    stage.addEventListener("panzoomzoom", updateSizes);
    stage.addEventListener("panzoomend", describeZoom);
    viewport.addEventListener("wheel", function (event) {
      if (state.panzoom) { state.panzoom.zoomWithWheel(event); }
    }, { passive: false });

    // Taps and clicks that did not move (and were not part of a pinch) place a hotspot mark. Listened to
    // in the capture phase: Panzoom stops the pointer events from bubbling.
    viewport.addEventListener("pointerdown", function (event) {
      state.pointers[event.pointerId] = true;
      var many = Object.keys(state.pointers).length > 1;
      state.tap = many ? null : { id: event.pointerId, x: event.clientX, y: event.clientY };
    }, true);
    function pointerEnd(event) {
      delete state.pointers[event.pointerId];
      var tap = state.tap;
      if (event.type !== "pointerup" || !tap || tap.id !== event.pointerId) { return; }
      state.tap = null;
      if (!state.hotspot || Math.hypot(event.clientX - tap.x, event.clientY - tap.y) > TAP_SLOP) { return; }
      var point = imageFraction(event.clientX, event.clientY);
      if (point.x >= 0 && point.x <= 1 && point.y >= 0 && point.y <= 1) {
        state.hotspot.mark(point.x, point.y);
        stage.classList.remove("is-aiming");
        copyOverlay();
        describeMarks();
      }
    }
    window.addEventListener("pointerup", pointerEnd, true);
    window.addEventListener("pointercancel", pointerEnd, true);

    function describeMarks() {
      if (state.hotspot) { announce(state.hotspot.describe()); }
    }

    viewport.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (state.hotspot && state.hotspot.key(event)) {
        stage.classList.add("is-aiming");
        copyOverlay();
        follow();
        if (!/^Arrow/.test(event.key)) { describeMarks(); }
        return;
      }
      var box = viewport.getBoundingClientRect();
      var step = event.shiftKey ? BIG_PAN : PAN;
      switch (event.key) {
        // The image moves the way the arrow points, the view the other way, as in a map.
        case "ArrowLeft": panBy(-box.width * step, 0); break;
        case "ArrowRight": panBy(box.width * step, 0); break;
        case "ArrowUp": panBy(0, -box.height * step); break;
        case "ArrowDown": panBy(0, box.height * step); break;
        default: return;
      }
      event.preventDefault();
    });
    // Zoom keys work wherever the focus is in the viewer (after pressing a button, too).
    dialog.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
      switch (event.key) {
        case "+": case "=": zoomBy(1); describeZoom(); break;
        case "-": case "_": case "−": zoomBy(-1); describeZoom(); break;
        case "0": resetAll(); break;
        default: return;
      }
      event.preventDefault();
    });
    viewport.addEventListener("focus", function () {
      if (state.hotspot && viewport.matches(":focus-visible")) {
        stage.classList.add("is-aiming");
        copyOverlay();
      }
    });

    bar.addEventListener("click", function (event) {
      var action = event.target.closest("[data-action]");
      if (!action) { return; }
      switch (action.getAttribute("data-action")) {
        case "zoom-in": zoomBy(1, centre()); describeZoom(); break;
        case "zoom-out": zoomBy(-1, centre()); describeZoom(); break;
        case "reset": resetAll(); break;
        case "close": dialog.close(); break;
      }
    });
    brightness.input.addEventListener("input", filters);
    contrast.input.addEventListener("input", filters);
    invert.addEventListener("change", filters);
    window.addEventListener("resize", function () { if (dialog.open) { fit(); } });

    dialog.addEventListener("close", function () {
      dialog.classList.remove("is-ready");
      state.pointers = {};
      state.tap = null;
      if (state.panzoom) { state.panzoom.destroy(); state.panzoom = null; }
      stage.textContent = "";
      state.img = state.source = state.overlay = null;
      var opener = state.opener;
      state.opener = null;
      if (opener && opener.isConnected) { opener.focus(); }
    });

    return { open: open, dialog: dialog };
  }

  function setUp() {
    var openers = document.querySelectorAll("a[data-figure-viewer]");
    if (!openers.length || typeof HTMLDialogElement !== "function" || !PANZOOM_URL) { return; }
    Array.prototype.forEach.call(openers, function (opener) {
      opener.classList.add("js-figure-viewer");
      opener.addEventListener("click", function (event) {
        // A click with a modifier (new tab, new window) keeps its usual meaning: the link.
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        if (!viewer) { viewer = build(); }
        viewer.open(opener);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
