// Time links (#t=754, ?t=754, data-seek) start the episode's audio at that second, and the
// transcript follows along. Without JavaScript every link still works as an anchor.
(function () {
  "use strict";
  var audio = document.querySelector("audio.player");
  if (!audio) return;

  var segments = Array.prototype.slice.call(document.querySelectorAll(".segment[data-start]"));
  var starts = segments.map(function (s) { return +s.getAttribute("data-start"); });
  var follow = document.querySelector("[data-follow]"), following = false, current = null, wanted = null;

  function seconds(value) {
    var n = parseInt(value, 10);
    return isNaN(n) || n < 0 ? null : n;
  }

  function segmentAt(t) {  // the last segment that starts at or before t; starts are sorted
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (starts[mid] <= t) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    return found >= 0 ? segments[found] : null;
  }

  function mark(segment, scroll) {
    if (segment !== current) {
      if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
      if (segment) { segment.classList.add("current"); segment.setAttribute("aria-current", "true"); }
      current = segment;
    }
    if (scroll && segment) segment.scrollIntoView({ block: "center", behavior: scroll === "smooth" ? "smooth" : "auto" });
  }

  function seek(t, play, scroll) {
    var segment = segmentAt(t), details = segment && segment.closest("details");
    if (details && scroll) details.open = true;
    mark(segment, scroll && details && details.open);
    wanted = { t: t, play: play };
    if (audio.readyState >= 1) return start();
    audio.preload = "metadata";
    audio.load();  // the element fires loadedmetadata once it knows the duration
  }

  function covered(ranges, t) {
    for (var i = 0; i < ranges.length; i++) if (ranges.start(i) <= t && t <= ranges.end(i)) return true;
    return false;
  }

  function start() {
    if (!wanted) return;
    // A host without range requests can only seek into what has arrived: wait for those bytes.
    if (!covered(audio.seekable, wanted.t) && !covered(audio.buffered, wanted.t) && !(wanted.t >= audio.duration) &&
        audio.networkState !== audio.NETWORK_NO_SOURCE) {
      audio.preload = "auto";
      return;
    }
    var w = wanted;
    wanted = null;
    audio.currentTime = w.t;
    if (w.play) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
  }
  ["loadedmetadata", "progress", "canplaythrough"].forEach(function (e) { audio.addEventListener(e, start); });

  function fromLocation() {
    var match = /[#&]t=(\d+)/.exec(location.hash) || /[?&]t=(\d+)/.exec(location.search);
    return match ? seconds(match[1]) : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-seek]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var t = seconds(link.getAttribute("data-seek"));
    if (t === null) return;
    event.preventDefault();
    history.replaceState(null, "", "#t=" + t);
    seek(t, true, false);
  });

  var initial = fromLocation();
  if (initial !== null) seek(initial, true, true);
  window.addEventListener("hashchange", function () {
    var t = fromLocation();
    if (t !== null) seek(t, true, true);
  });

  // Highlight the segment being spoken; follow it when asked. Only a change touches the DOM.
  audio.addEventListener("timeupdate", function () {
    var next = segmentAt(audio.currentTime);
    if (next !== current) mark(next, following && next && next.closest("details[open]") ? "smooth" : false);
  });

  if (follow && segments.length) {
    follow.hidden = false;
    follow.addEventListener("click", function () {
      following = !following;
      follow.setAttribute("aria-pressed", String(following));
      if (following && current) current.scrollIntoView({ block: "center", behavior: "smooth" });
    });
  }
})();
