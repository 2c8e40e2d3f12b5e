// Image hotspot questions, improved with JavaScript: marks are placed in the page instead of
// submitting the form on every click, and keyboard users place them with a crosshair: Tab to the
// image, move the crosshair with the arrow keys (Shift for bigger steps), Enter or Space places a
// mark, Delete or Backspace removes the last one. Without JavaScript the image input posts the click
// position and the server places the mark, so the question works either way.
//
// Each question's container carries a small interface, `container.hotspot` (mark, key, aim, describe),
// through which the figure viewer (static/js/figure-viewer.js) places marks on the zoomed image: they land
// in the same hidden inputs, so what is sent and graded is the same wherever a mark was placed.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  // One arrow key press moves the crosshair by this fraction of the image's width (left, right) or
  // height (up, down); with Shift, by BIG_STEP. The crosshair starts in the middle of the image.
  var STEP = 0.01;
  var BIG_STEP = 0.05;
  // The ring drawn for a mark, in image pixels: its outer edge (radius + half the 8-pixel outline, 16
  // pixels on the 640-pixel image) is how near a zone a mark must land to count (quiz.grading.hotspot).
  var RING = 12;

  function svg(name, attributes) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    return element;
  }

  function round(value) { return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000; }

  function setUp(container) {
    var prefix = container.getAttribute("data-hotspot");
    var image = container.querySelector(".hotspot-image");
    var overlay = container.querySelector(".hotspot-overlay");
    var count = container.querySelector(".hotspot-count");
    var clear = container.querySelector("button[name=clear]");
    var keys = container.querySelector(".hotspot-keys");
    if (!image || !overlay || !count) { return; }
    container.classList.add("js-hotspot");
    if (keys) { keys.hidden = false; }
    var box = overlay.viewBox.baseVal;
    var aim = { x: 0.5, y: 0.5 };
    var crosshair = drawCrosshair();

    function inputs(name) { return container.querySelectorAll("input[name='" + prefix + "-" + name + "']"); }

    function summary(news) {
      var marks = inputs("mark").length, regions = inputs("regions").length;
      var text = marks === 0 ? "No marks placed yet." : marks + (marks === 1 ? " mark placed." : " marks placed.");
      if (regions) {
        text += " Your earlier answer also picked " + regions + (regions === 1 ? " region" : " regions") +
          " from a list; “Clear my marks” removes " + (regions === 1 ? "it." : "them.");
      }
      return news ? news + " " + text : text;
    }

    function describe(news) { count.textContent = summary(news); }

    function drawCrosshair() {
      // A ring where the mark would go, and four arms pointing at it; a black line under a cyan one, so
      // it shows on dark radiographs and pale skin alike, and apart from the yellow marks.
      var group = svg("g", { "class": "hotspot-crosshair" });
      var arms = "M -48 0 H -16 M 16 0 H 48 M 0 -48 V -16 M 0 16 V 48";
      ["hotspot-crosshair-outline", "hotspot-crosshair-line"].forEach(function (cls) {
        group.appendChild(svg("circle", { cx: 0, cy: 0, r: RING, "class": cls }));
        group.appendChild(svg("path", { d: arms, "class": cls }));
      });
      overlay.appendChild(group);
      return group;
    }

    function placeAim() {
      crosshair.setAttribute("transform",
        "translate(" + (aim.x * box.width).toFixed(1) + " " + (aim.y * box.height).toFixed(1) + ")");
    }

    function showAim(visible) {
      placeAim();
      container.classList.toggle("is-aiming", visible);
    }

    function addMark(x, y) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = prefix + "-mark";
      input.value = x.toFixed(4) + "," + y.toFixed(4);
      container.appendChild(input);
      var group = svg("g", { "class": "hotspot-mark-group" });
      ["hotspot-mark-outline", "hotspot-mark"].forEach(function (cls) {
        group.appendChild(svg("circle", {
          cx: (x * box.width).toFixed(1), cy: (y * box.height).toFixed(1), r: RING, "class": cls
        }));
      });
      overlay.insertBefore(group, crosshair); // the crosshair stays on top
      describe();
      changed();
    }

    function changed() {
      // quiz.js warns before leaving a step whose answers are not sent; hidden inputs fire no change event.
      container.dispatchEvent(new CustomEvent("hotspot:marked", { bubbles: true }));
    }

    function removeLastMark() {
      var marks = inputs("mark");
      var rings = overlay.querySelectorAll(".hotspot-mark-group");
      if (!marks.length) { describe("No mark to remove."); return; }
      marks[marks.length - 1].remove();
      if (rings.length) { rings[rings.length - 1].remove(); }
      describe("Last mark removed.");
      changed();
    }

    // A mark where a pointer landed, as fractions of the image; the keyboard carries on from there.
    function markAt(x, y) {
      addMark(x, y);
      aim = { x: round(x), y: round(y) };
      placeAim();
    }

    image.addEventListener("click", function (event) {
      event.preventDefault();
      if (event.detail === 0) { return; } // activated from the keyboard: the keys below place marks
      var rect = image.getBoundingClientRect();
      var x = (event.clientX - rect.left) / rect.width;
      var y = (event.clientY - rect.top) / rect.height;
      if (x >= 0 && x <= 1 && y >= 0 && y <= 1) {
        markAt(x, y);
        showAim(false);
      }
    });

    // The crosshair's keys; true when the key was one of them (it has then been acted on).
    function aimKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return false; }
      var step = event.shiftKey ? BIG_STEP : STEP;
      switch (event.key) {
        case "ArrowLeft": aim.x = round(aim.x - step); break;
        case "ArrowRight": aim.x = round(aim.x + step); break;
        case "ArrowUp": aim.y = round(aim.y - step); break;
        case "ArrowDown": aim.y = round(aim.y + step); break;
        case "Enter":
        case " ":
          if (!event.repeat) { addMark(aim.x, aim.y); }
          break;
        case "Delete":
        case "Backspace":
          removeLastMark();
          break;
        default:
          return false;
      }
      event.preventDefault(); // no scrolling, and Enter or Space does not submit the form
      placeAim();
      return true;
    }

    image.addEventListener("keydown", function (event) {
      if (aimKey(event)) { showAim(true); }
    });
    // Space activates a button when it is released: that would be a second, positionless click.
    image.addEventListener("keyup", function (event) {
      if (event.key === " " || event.key === "Enter") { event.preventDefault(); }
    });
    image.addEventListener("focus", function () { showAim(image.matches(":focus-visible")); });
    image.addEventListener("blur", function () { showAim(false); });

    if (clear) {
      clear.addEventListener("click", function (event) {
        event.preventDefault();
        Array.prototype.forEach.call(inputs("mark"), function (input) { input.remove(); });
        Array.prototype.forEach.call(inputs("regions"), function (input) { input.remove(); });
        Array.prototype.forEach.call(overlay.querySelectorAll(".hotspot-mark-group"), function (g) { g.remove(); });
        describe();
      });
    }
    showAim(false);
    container.hotspot = {
      mark: markAt,
      key: aimKey,
      aim: function () { return { x: aim.x, y: aim.y }; },
      describe: function () { return count.textContent; }
    };
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-hotspot]"), setUp);
})();
