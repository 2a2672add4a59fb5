// Shuffle each .ld-shuffle list with a PRNG seeded from its data-seed (the note's Uid), so the
// front and the back of a card show the options in the same order in every client.
// Without scripts the authored order stays, and the card still works.
(function () {
  function generator(text) {
    var seed = 2166136261;
    for (var i = 0; i < text.length; i++) { seed = Math.imul(seed ^ text.charCodeAt(i), 16777619) >>> 0; }
    return function () {
      seed = (seed + 0x6d2b79f5) >>> 0;
      var t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  var lists = document.querySelectorAll(".ld-shuffle:not([data-shuffled])");
  Array.prototype.forEach.call(lists, function (list) {
    var next = generator(list.getAttribute("data-seed") || ""), items = Array.prototype.slice.call(list.children);
    for (var j = items.length - 1; j > 0; j--) {
      var k = Math.floor(next() * (j + 1)), swap = items[j]; items[j] = items[k]; items[k] = swap;
    }
    items.forEach(function (item) { list.appendChild(item); });
    list.setAttribute("data-shuffled", "1");
  });
})();
