// Time links (#t=754, ?t=754, data-seek) start the episode's audio at that second,
// and the transcript follows along. Without JavaScript every link still works as an anchor.
(function () {
  "use strict";
  var audio = document.querySelector("audio.player");
  if (!audio) return;

  function seconds(value) {
    var n = parseInt(value, 10);
    return isNaN(n) || n < 0 ? null : n;
  }

  function seek(t, play) {
    var segment = document.getElementById("t-" + t);
    var details = segment && segment.closest("details");
    if (details) details.open = true;
    var start = function () {
      audio.currentTime = t;
      if (play) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    };
    if (audio.readyState >= 1) start();
    else { audio.preload = "metadata"; audio.addEventListener("loadedmetadata", start, { once: true }); audio.load(); }
  }

  function fromLocation() {
    var hash = /[#&]t=(\d+)/.exec(location.hash);
    var query = /[?&]t=(\d+)/.exec(location.search);
    var match = hash || query;
    return match ? seconds(match[1]) : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-seek]");
    if (!link) return;
    var t = seconds(link.getAttribute("data-seek"));
    if (t === null) return;
    event.preventDefault();
    history.replaceState(null, "", "#t=" + t);
    seek(t, true);
  });

  var initial = fromLocation();
  if (initial !== null) seek(initial, true);
  window.addEventListener("hashchange", function () {
    var t = fromLocation();
    if (t !== null) seek(t, true);
  });

  // Highlight the segment being spoken; segments are sorted by start time.
  var segments = Array.prototype.slice.call(document.querySelectorAll(".segment[data-start]"));
  var starts = segments.map(function (s) { return +s.getAttribute("data-start"); });
  var current = null;
  audio.addEventListener("timeupdate", function () {
    var t = audio.currentTime, lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (starts[mid] <= t) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    var next = found >= 0 ? segments[found] : null;
    if (next === current) return;
    if (current) current.classList.remove("current");
    if (next) next.classList.add("current");
    current = next;
  });
})();
