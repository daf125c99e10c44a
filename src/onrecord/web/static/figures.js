// The figure timeline: fetches /api/figures (the URL is in data-api), draws one uPlot
// chart per measure with one series per outlet (or asserting source), and opens a
// figure's sentence in its article when a point is clicked. The table under the chart
// lists the same figures, for readers without JavaScript or a mouse.
(function () {
  "use strict";
  var box = document.getElementById("figure-chart");
  if (!box) { return; }
  // Okabe-Ito, told apart also with the common colour blindnesses
  var COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933"];
  var DAY = 86400;
  var MAX_PAGES = 20;

  function status(text, isError) {
    var p = document.createElement(isError ? "div" : "p");
    p.className = isError ? "error-box" : "chart-status";
    if (isError) { p.setAttribute("role", "alert"); }
    p.textContent = text;
    box.replaceChildren(p);
    return p;
  }

  function fetchAll(url, items, pages) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return null; }).then(function (body) {
            var why = body && body.error && body.error.message ? ": " + body.error.message : "";
            throw new Error("the server answered " + response.status + why);
          });
        }
        return response.json();
      })
      .then(function (data) {
        if (!data || !Array.isArray(data.items)) { throw new Error("the answer holds no figures"); }
        items.push.apply(items, data.items);
        if (data.next && pages + 1 < MAX_PAGES && data.next.charAt(0) === "/") {
          return fetchAll(data.next, items, pages + 1);
        }
        return items;
      });
  }

  function seconds(day) {
    var t = Date.parse(day + "T00:00:00Z");
    return isNaN(t) ? null : t / 1000;
  }

  function number(item) {
    if (item.value !== null && item.value !== undefined) { return item.value; }
    if (item.low !== null && item.high !== null && item.low !== undefined && item.high !== undefined) { return (item.low + item.high) / 2; }
    if (item.low !== null && item.low !== undefined) { return item.low; }
    return item.high === undefined ? null : item.high;
  }

  function articleHref(item) {
    return "/articles/" + encodeURIComponent(item.document_id) + "#claim-" + encodeURIComponent(item.claim_id);
  }

  function draw(group, items, by, container) {
    var names = [];
    items.forEach(function (it) {
      var name = by === "source" ? it.asserted_by : (it.outlet || "(unknown outlet)");
      it._series = name;
      if (names.indexOf(name) < 0) { names.push(name); }
    });
    names.sort();
    // one x per point: points of one day are set a little apart so each keeps its own place
    var points = [];
    var taken = {};
    items.forEach(function (it) {
      var t = seconds(it.date), v = number(it);
      if (t === null || v === null) { return; }
      var s = names.indexOf(it._series);
      var key = s + "@" + it.date;
      var dup = taken[key] || 0;
      taken[key] = dup + 1;
      points.push({ x: t + (s - (names.length - 1) / 2) * 5400 + dup * 1200, s: s, v: v, item: it });
    });
    if (!points.length) { return false; }
    points.sort(function (a, b) { return a.x - b.x; });
    var xs = points.map(function (p) { return p.x; });
    var data = [xs];
    names.forEach(function () { data.push(xs.map(function () { return null; })); });
    points.forEach(function (p, i) { data[p.s + 1][i] = p.v; });

    var heading = document.createElement("h3");
    heading.textContent = group;
    var holder = document.createElement("div");
    holder.className = "chart-canvas";
    holder.setAttribute("role", "img");
    holder.setAttribute("aria-label", "Figures for " + group + " over time, one line per " + (by === "source" ? "source" : "outlet") + ": " + names.join(", "));
    container.appendChild(heading);
    container.appendChild(holder);

    var width = Math.max(260, container.clientWidth || 600);
    var opts = {
      width: width,
      height: width < 500 ? 240 : 320,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      scales: { x: { time: true, range: function (u, min, max) { return [min - DAY / 2, max + DAY / 2]; } }, y: { range: function (u, min, max) { return [0, max * 1.15 || 1]; } } },
      series: [{ label: "date", value: function (u, t) { return t === null ? "" : new Date(t * 1000).toISOString().slice(0, 10); } }].concat(names.map(function (name, i) {
        return {
          label: name,
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          spanGaps: true,
          points: { show: true, size: 9, fill: COLOURS[i % COLOURS.length] }
        };
      })),
      axes: [{ space: 60, incrs: [DAY, 2 * DAY, 7 * DAY, 30 * DAY, 365 * DAY], values: function (u, ticks) { return ticks.map(function (t) { return new Date(t * 1000).toISOString().slice(5, 10); }); } }, { size: 56 }],
      legend: { live: true },
      cursor: { focus: { prox: 24 } }
    };
    var plot = new uPlot(opts, data, holder);

    function nearest() {
      var left = plot.cursor.left, top = plot.cursor.top;
      if (left === undefined || left < 0) { return null; }
      var best = null, bestDist = 20 * 20;
      points.forEach(function (p) {
        var dx = plot.valToPos(p.x, "x") - left;
        var dy = plot.valToPos(p.v, "y") - top;
        var d = dx * dx + dy * dy;
        if (d <= bestDist) { bestDist = d; best = p; }
      });
      return best;
    }
    plot.over.addEventListener("click", function () {
      var p = nearest();
      if (p) { window.location.href = articleHref(p.item); }
    });
    plot.over.addEventListener("mousemove", function () {
      var p = nearest();
      plot.over.style.cursor = p ? "pointer" : "";
      plot.over.title = p ? p.item.figure + " (" + p.item._series + ", " + p.item.date + "): open the sentence" : "";
    });
    window.addEventListener("resize", function () {
      var w = Math.max(260, container.clientWidth || 600);
      plot.setSize({ width: w, height: w < 500 ? 240 : 320 });
    });
    return true;
  }

  var api = box.getAttribute("data-api");
  var by = box.getAttribute("data-by") || "outlet";
  if (!api || api.charAt(0) !== "/") { return; }
  if (typeof window.uPlot === "undefined") {
    status("The chart library did not load, so the chart cannot be drawn. The table below lists every figure.", true);
    return;
  }
  status("Loading the chart…", false);
  fetchAll(api + "&limit=500", [], 0)
    .then(function (items) {
      var groups = {};
      var order = [];
      items.forEach(function (it) {
        if (!groups[it.group]) { groups[it.group] = []; order.push(it.group); }
        groups[it.group].push(it);
      });
      box.replaceChildren();
      var drawn = 0;
      order.forEach(function (g) {
        var section = document.createElement("div");
        section.className = "chart-group";
        box.appendChild(section);
        if (draw(g, groups[g], by, section)) { drawn += 1; } else { box.removeChild(section); }
      });
      if (!drawn) { status("No dated figure to draw; the table below lists every figure.", false); }
      box.setAttribute("data-state", "ready");
    })
    .catch(function (error) {
      status("Could not load the chart data (" + error.message + "). The table below lists every figure.", true);
      box.setAttribute("data-state", "error");
    });
})();
