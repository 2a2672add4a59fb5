// Choice cards, in every Anki client without add-ons. The options are shuffled again at each
// review: the seed is the note's Uid plus the study day (Anki's, from 4 am local time), so front and
// back agree even where they are separate page loads (AnkiDroid), and the order changes day by day.
// The learner taps options on the front; the choice reaches the back through a global variable
// (desktop, AnkiMobile: one page) or sessionStorage / localStorage (separate loads), and the back
// shows it against the answer, with the other options folded. Without scripts the card is a plain
// list in the stored order (shuffled at build time) and the back lists the answer first.
(function () {
  var KEY = "leaderdeck-choice", ROLLOVER_MS = 4 * 3600 * 1000, FRESH_MS = 3 * 3600 * 1000;
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
  function studyDay(now) {
    var local = now.getTime() - now.getTimezoneOffset() * 60000 - ROLLOVER_MS;
    return Math.floor(local / 86400000);
  }
  function reviewOrder(uid, count, day) {  // stored indexes in the order shown at this review
    var next = generator(uid + "#" + day), order = [];
    for (var i = 0; i < count; i++) { order.push(i); }
    for (var j = count - 1; j > 0; j--) {
      var k = Math.floor(next() * (j + 1)), swap = order[j]; order[j] = order[k]; order[k] = swap;
    }
    return order;
  }
  function stores() {
    var found = [];
    ["sessionStorage", "localStorage"].forEach(function (name) {
      try { if (window[name]) { found.push(window[name]); } } catch (e) { /* blocked: skip it */ }
    });
    return found;
  }
  function save(state) {
    window.leaderdeckChoice = state;
    stores().forEach(function (store) { try { store.setItem(KEY, JSON.stringify(state)); } catch (e) { } });
  }
  function load(uid) {
    var candidates = [window.leaderdeckChoice];
    stores().forEach(function (store) {
      try { candidates.push(JSON.parse(store.getItem(KEY) || "null")); } catch (e) { }
    });
    for (var i = 0; i < candidates.length; i++) {
      var state = candidates[i];
      if (state && state.uid === uid && Date.now() - state.at < FRESH_MS) { return state; }
    }
    return null;
  }
  function byIndex(items) {
    var found = {};
    items.forEach(function (item) { found[item.getAttribute("data-i")] = item; });
    return found;
  }
  function front(list) {
    var uid = list.getAttribute("data-seed") || "", multi = !!list.getAttribute("data-multi");
    var items = Array.prototype.slice.call(list.children), found = byIndex(items);
    var order = reviewOrder(uid, items.length, studyDay(new Date()));
    var state = {uid: uid, order: order, chosen: [], at: Date.now()};
    order.forEach(function (index) { if (found[index]) { list.appendChild(found[index]); } });
    list.className += " ld-tappable";
    save(state);
    items.forEach(function (item) {
      var index = +item.getAttribute("data-i");
      item.setAttribute("role", multi ? "checkbox" : "radio");
      item.setAttribute("aria-checked", "false");
      item.setAttribute("tabindex", "0");
      function tap(event) {
        if (event) { event.preventDefault(); event.stopPropagation(); }
        var at = state.chosen.indexOf(index);
        if (at >= 0) { state.chosen.splice(at, 1); } else if (multi) { state.chosen.push(index); } else { state.chosen = [index]; }
        items.forEach(function (other) {
          var on = state.chosen.indexOf(+other.getAttribute("data-i")) >= 0;
          other.className = on ? "ld-chosen" : "";
          other.setAttribute("aria-checked", on ? "true" : "false");
        });
        state.at = Date.now();
        save(state);
      }
      item.addEventListener("click", tap);
      item.addEventListener("keydown", function (event) { if (event.key === " " || event.key === "Enter") { tap(event); } });
    });
    var hint = document.querySelector(".ld-tap-hint");
    if (hint) { hint.removeAttribute("hidden"); }
  }
  function back(box) {
    var uid = box.getAttribute("data-seed") || "", multi = !!box.getAttribute("data-multi");
    var items = Array.prototype.slice.call(box.querySelectorAll("li[data-i]")), found = byIndex(items);
    var state = load(uid);
    var order = state ? state.order : reviewOrder(uid, items.length, studyDay(new Date()));
    var chosen = state ? state.chosen : null, number = {};
    order.forEach(function (index, position) { number[index] = position + 1; });
    var first = box.querySelector(".ld-first"), rest = box.querySelector(".ld-others ul");
    var right = 0, wrong = 0, correct = 0, later = [];
    order.forEach(function (index) {  // what the learner chose first, then the answer, then the rest
      var item = found[index];
      if (!item) { return; }
      var num = item.querySelector(".ld-num");
      if (num) { num.textContent = number[index] + "."; }
      var isRight = item.className.indexOf("ld-correct") >= 0, picked = chosen && chosen.indexOf(index) >= 0;
      if (isRight) { correct++; }
      if (picked) {
        if (isRight) { right++; } else { wrong++; }
        item.className += " ld-chosen";
        var tag = document.createElement("span");
        tag.className = "ld-you";
        tag.textContent = "Your choice";
        item.insertBefore(tag, item.firstChild);
        first.appendChild(item);
      } else {
        later.push([item, isRight]);
      }
    });
    later.forEach(function (pair) { if (pair[1]) { first.appendChild(pair[0]); } });
    later.forEach(function (pair) { if (!pair[1]) { rest.appendChild(pair[0]); } });
    var summary = document.querySelector(".ld-summary"), others = box.querySelector(".ld-others");
    if (others && !rest.children.length) { others.parentNode.removeChild(others); }
    var text;
    if (chosen === null) {
      text = "Your choice did not reach this side: this Anki client keeps nothing between the front and the back. Compare with the answer below.";
    } else if (!chosen.length) {
      text = "You chose nothing: tap an option on the front before you turn the card.";
    } else if (!multi) {
      text = right ? "✓ Right." : "✗ Not this one: the answer is marked ✓ Correct.";
    } else if (right === correct && !wrong) {
      text = "✓ Right: all " + correct + " correct options and no other.";
    } else {
      text = "✗ You found " + right + " of " + correct + " correct options" + (wrong ? ", and chose " + wrong + " wrong." : ".");
    }
    if (summary) {
      summary.textContent = text;
      summary.className += chosen && chosen.length && right === correct && !wrong ? " ld-right" : chosen && chosen.length ? " ld-missed" : "";
      summary.removeAttribute("hidden");
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll(".ld-choices:not([data-done])"), function (list) {
    list.setAttribute("data-done", "1");
    front(list);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".ld-choice-back:not([data-done])"), function (box) {
    box.setAttribute("data-done", "1");
    back(box);
  });
})();
