// newsprism: small, dependency-free helpers; every page works without them.
"use strict";
(function () {
  // A link to a cited span (#c-START-END) brings the highlighted passage into view and focus. The server marks
  // the span when the address also says ?hl=START-END; an address with the fragment only is marked here, from
  // the paragraphs' offsets in the article's text (data-start), the first paragraph's part of the span.
  function markFragment(start, end) {
    var blocks = document.querySelectorAll(".article .text p[data-start]");
    for (var i = 0; i < blocks.length; i++) {
      var p = blocks[i], from = Number(p.getAttribute("data-start")), node = p.firstChild;
      if (!node || node.nodeType !== 3 || p.childNodes.length !== 1) continue;
      var to = from + node.data.length;
      if (end <= from || start >= to) continue;
      var range = document.createRange();
      range.setStart(node, Math.max(start, from) - from);
      range.setEnd(node, Math.min(end, to) - from);
      var mark = document.createElement("mark");
      mark.id = "c-" + start + "-" + end;
      mark.tabIndex = -1;
      range.surroundContents(mark);
      return mark;
    }
    return null;
  }
  function focusCitation() {
    var found = /^#c-(\d+)-(\d+)$/.exec(location.hash || "");
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (!target && found && Number(found[1]) < Number(found[2])) {
      target = markFragment(Number(found[1]), Number(found[2]));
    }
    if (target && target.tagName === "MARK") {
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", focusCitation);
  document.addEventListener("DOMContentLoaded", focusCitation);

  // Live updates: the front page and a story page ask /api/changes every few seconds (a 304 while nothing
  // changed, thanks to the ETag) and say how many articles arrived, with a link that reloads the page.
  // Bounded: at most MAX_POLLS polls a page, none while the tab is hidden, slower after errors.
  var MAX_POLLS = 720;
  function watchForNews() {
    var box = document.getElementById("live");
    if (!box || !window.fetch) return;
    var every = Math.max(1, Number(box.getAttribute("data-poll")) || 15) * 1000;
    var url = "/api/changes?since=" + encodeURIComponent(box.getAttribute("data-since") || "0");
    var story = box.getAttribute("data-story");
    if (story) url += "&story=" + encodeURIComponent(story);
    var etag = null, polls = 0, delay = every;

    function show(count) {
      box.textContent = count + (count === 1 ? " new article" : " new articles") + " \u2013 ";
      var link = document.createElement("a");
      link.href = location.href;
      link.textContent = "reload";
      box.appendChild(link);
      box.hidden = false;
    }
    function later() { if (polls < MAX_POLLS) setTimeout(poll, delay); }
    function poll() {
      if (document.hidden) { later(); return; }
      polls += 1;
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(url, { headers: headers, cache: "no-cache" }).then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("status " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      }).then(function (data) {
        if (data && data.new_articles > 0) show(data.new_articles);
        delay = every;
        later();
      }).catch(function () {
        delay = Math.min(delay * 2, 10 * 60 * 1000);
        later();
      });
    }
    later();
  }
  document.addEventListener("DOMContentLoaded", watchForNews);
})();
