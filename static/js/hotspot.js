// Image hotspot questions, improved with JavaScript: marks are placed in the page instead of
// submitting the form on every click. Without JavaScript the image input posts the click position
// and the server places the mark, so the question works either way.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function setUp(container) {
    var prefix = container.getAttribute("data-hotspot");
    var image = container.querySelector(".hotspot-image");
    var overlay = container.querySelector(".hotspot-overlay");
    var count = container.querySelector(".hotspot-count");
    var clear = container.querySelector("button[name=clear]");
    if (!image || !overlay) { return; }
    container.classList.add("js-hotspot");
    var box = overlay.viewBox.baseVal;

    function marks() { return container.querySelectorAll("input[name='" + prefix + "-mark']"); }

    function describe() {
      var n = marks().length;
      count.textContent = n === 0 ? "No marks placed yet." : n + (n === 1 ? " mark placed." : " marks placed.");
    }

    function addMark(x, y) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = prefix + "-mark";
      input.value = x.toFixed(4) + "," + y.toFixed(4);
      container.appendChild(input);
      ["hotspot-mark-outline", "hotspot-mark"].forEach(function (cls) {
        var circle = document.createElementNS(SVG, "circle");
        circle.setAttribute("cx", (x * box.width).toFixed(1));
        circle.setAttribute("cy", (y * box.height).toFixed(1));
        circle.setAttribute("r", "12");
        circle.setAttribute("class", cls);
        overlay.appendChild(circle);
      });
      describe();
    }

    image.addEventListener("click", function (event) {
      event.preventDefault();
      if (event.detail === 0) { return; } // activated from the keyboard: the region list is the way
      var rect = image.getBoundingClientRect();
      var x = (event.clientX - rect.left) / rect.width;
      var y = (event.clientY - rect.top) / rect.height;
      if (x >= 0 && x <= 1 && y >= 0 && y <= 1) { addMark(x, y); }
    });

    if (clear) {
      clear.addEventListener("click", function (event) {
        event.preventDefault();
        Array.prototype.forEach.call(marks(), function (input) { input.remove(); });
        Array.prototype.forEach.call(overlay.querySelectorAll("circle"), function (c) { c.remove(); });
        describe();
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-hotspot]"), setUp);
})();
