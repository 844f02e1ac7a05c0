// The Stratoflight map app: asks this server's API and draws the answers with Leaflet.
// No domain logic here: predictions, land/sea, coast distances and bearings come from the API.
(function () {
  "use strict";
  var LANG = window.stratoLanguage();
  var STR = window.STRATO_STRINGS[LANG];
  var EN = window.STRATO_STRINGS.en;

  function t(key, vars) {
    var text = (STR[key] !== undefined ? STR[key] : EN[key]) || key;
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      return vars && vars[name] !== undefined ? vars[name] : "{" + name + "}";
    });
  }
  function $(id) { return document.getElementById(id); }
  // Numbers the reader's way (Vietnamese: decimal comma, dot for thousands); English as before.
  function fixed(x, n) {
    if (x === null || x === undefined || !isFinite(x)) return t("unknown");
    if (LANG === "en") return Number(x).toFixed(n);
    return Number(x).toLocaleString(LANG, { minimumFractionDigits: n, maximumFractionDigits: n });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function zoneName(d) {
    try {
      var parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(d);
      for (var i = 0; i < parts.length; i++) if (parts[i].type === "timeZoneName") return parts[i].value;
    } catch (e) { /* old browser: the offset below */ }
    var m = -d.getTimezoneOffset();
    return "UTC" + (m < 0 ? "-" : "+") + pad(Math.floor(Math.abs(m) / 60)) + ":" + pad(Math.abs(m) % 60);
  }
  // A time for people: the browser's zone, named, with UTC beside it (the API speaks UTC).
  function hhmm(iso) {
    if (!iso) return t("unknown");
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    var day = t("date", { y: d.getFullYear(), m: pad(d.getMonth() + 1), d: pad(d.getDate()) });
    var local = day + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (d.getTimezoneOffset() === 0) return local + " UTC";
    return local + " " + zoneName(d) + " (" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC)";
  }
  function say(text) { $("message").textContent = text || ""; }

  document.documentElement.lang = LANG;
  document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.dataset.i18n); });

  // ---------------------------------------------------------------- the map
  var map = L.map("map", { zoomControl: true, preferCanvas: false }).setView([21, 107], 7);
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  var North = L.Control.extend({
    onAdd: function () {
      var div = L.DomUtil.create("div", "north-arrow");
      div.innerHTML = "&#9650;<br>N";
      return div;
    },
  });
  new North({ position: "topright" }).addTo(map);
  // The overview is clipped to a box: no outline, or the clip edges would look like coast.
  var coastLayer = L.geoJSON(null, { style: { stroke: false, fillColor: "#ebe1c8", fillOpacity: 1 } }).addTo(map);
  var areaLayer = L.layerGroup().addTo(map);
  var osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18, attribution: "&copy; OpenStreetMap contributors",
  });
  var predictionLayer = L.layerGroup().addTo(map);
  var ensembleLayer = L.layerGroup().addTo(map);
  var planLayer = L.layerGroup().addTo(map);
  var liveLayer = L.layerGroup().addTo(map);
  var base = {};
  base[t("layer_coast")] = L.layerGroup().addTo(map);
  base[t("layer_osm")] = osm;
  var overlays = {};
  overlays[t("layer_area")] = areaLayer;
  L.control.layers(base, overlays).addTo(map);
  var launchMarker = null;
  window.strato = { map: map, state: { predictions: 0, ensembles: 0, plans: 0, liveUpdates: 0 } };

  function api(path, params, options) {
    var query = new URLSearchParams();
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] !== null && params[k] !== undefined && params[k] !== "") query.set(k, params[k]);
    });
    var url = path + (query.toString() ? "?" + query.toString() : "");
    return fetch(url, options || {}).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var why = body && body.error ? body.error.description : response.statusText;
          throw new Error(why);
        }
        return body;
      });
    });
  }

  function setLaunch(lat, lon) {
    $("lat").value = Number(lat).toFixed(5);
    $("lon").value = Number(lon).toFixed(5);
    drawLaunch();
  }
  function drawLaunch() {
    var lat = parseFloat($("lat").value), lon = parseFloat($("lon").value);
    if (!isFinite(lat) || !isFinite(lon)) return;
    if (launchMarker) launchMarker.setLatLng([lat, lon]);
    else launchMarker = L.marker([lat, lon], { title: t("launch_marker") }).addTo(map);
  }
  map.on("click", function (e) { setLaunch(e.latlng.lat, e.latlng.lng); });
  $("lat").addEventListener("change", drawLaunch);
  $("lon").addEventListener("change", drawLaunch);

  // ---------------------------------------------------------------- the flight
  function mode() { return document.querySelector("input[name=mode]:checked").value; }
  function flightParams() {
    var p = {
      lat: $("lat").value, lon: $("lon").value, time: $("time").value,
      descent_rate: $("descent").value,
    };
    if (mode() === "balloon") {
      p.balloon = $("balloon").value; p.payload = $("payload").value; p.gas = $("gas").value;
      p.ascent_rate = $("target-ascent").value;
    } else {
      p.ascent_rate = $("ascent").value; p.burst_altitude = $("burst").value;
    }
    return p;
  }
  document.querySelectorAll("input[name=mode]").forEach(function (el) {
    el.addEventListener("change", function () {
      $("rates-box").hidden = mode() !== "rates";
      $("balloon-box").hidden = mode() !== "balloon";
      if (mode() === "balloon") burstCalc();
    });
  });
  function burstCalc() {
    api("/api/burst", { balloon: $("balloon").value, payload: $("payload").value, gas: $("gas").value,
      ascent_rate: $("target-ascent").value }).then(function (b) {
      say("");
      $("burst-result").textContent = t("burst_calc", {
        ascent: fixed(b.ascent_rate_m_s, 2), burst: fixed(b.burst_altitude_m, 0),
        minutes: fixed(b.time_to_burst_s / 60, 0), neck: fixed(b.neck_lift_kg, 3),
      }) + (b.warnings && b.warnings.length ? "\n" + b.warnings.join("\n") : "");
    }).catch(function (e) { say(e.message); });
  }
  ["balloon", "payload", "gas", "target-ascent"].forEach(function (id) { $(id).addEventListener("change", burstCalc); });

  function surfaceText(surface) {
    return t(surface === "land" ? "result_surface_land" : surface === "sea" ? "result_surface_sea" : "result_surface_unknown");
  }
  function coastText(coast) {
    return coast ? t("result_coast", { km: fixed(coast.distance_m / 1000, 2), bearing: fixed(coast.bearing_deg, 0) }) : "";
  }

  function predict() {
    say(t("working"));
    api("/api/predict", flightParams()).then(function (doc) {
      say("");
      predictionLayer.clearLayers();
      var colours = { ascent: "#d62728", float: "#9467bd", descent: "#1f77b4" };
      var all = [];
      doc.stages.forEach(function (stage) {
        var pts = stage.trajectory.map(function (p) { return [p.latitude, p.longitude]; });
        all = all.concat(pts);
        L.polyline(pts, { color: colours[stage.stage] || "#333", weight: 3, className: "track-" + stage.stage }).addTo(predictionLayer);
      });
      if (doc.burst && doc.burst.latitude !== null) {
        L.circleMarker([doc.burst.latitude, doc.burst.longitude], { radius: 6, color: "#d62728", className: "burst-marker" })
          .bindTooltip(t("burst_marker", { altitude: fixed(doc.burst.altitude, 0), time: hhmm(doc.burst.datetime) })).addTo(predictionLayer);
      }
      var lines = [];
      var landing = doc.landing;
      if (landing.status === "landed") {
        L.circleMarker([landing.latitude, landing.longitude], { radius: 8, color: "#000", fillColor: landing.surface === "sea" ? "#1f77b4" : "#2ca02c", fillOpacity: 0.9, className: "landing-marker" })
          .bindTooltip(t("landing_marker", { time: hhmm(landing.datetime) })).addTo(predictionLayer);
        lines.push(t("result_landing", { lat: fixed(landing.latitude, 4), lon: fixed(landing.longitude, 4), time: hhmm(landing.datetime) }));
        lines.push(surfaceText(landing.surface));
        if (landing.surface === "sea" && landing.coast_distance_m !== null && landing.coast_distance_m !== undefined) {
          lines.push(coastText({ distance_m: landing.coast_distance_m, bearing_deg: landing.coast_bearing_deg }));
        }
        lines.push(t("result_flight_time", { hours: fixed(doc.flight_time_s / 3600, 2), burst: fixed(doc.burst.altitude, 0) }));
      } else {
        lines.push(t("result_not_landed", { status: landing.status }));
      }
      Object.keys(doc.warnings || {}).forEach(function (code) { lines.push(doc.warnings[code].description); });
      $("predict-result").textContent = lines.join("\n");
      $("predict-result").className = "result " + (landing.surface || "");
      if (all.length) map.fitBounds(L.latLngBounds(all).pad(0.2), { animate: false });
      window.strato.state.predictions += 1;
      window.strato.lastPrediction = doc;
    }).catch(function (e) { say(e.message); });
  }
  $("predict-button").addEventListener("click", predict);

  // ---------------------------------------------------------------- the ensemble
  function ensemble() {
    say(t("working"));
    var p = flightParams();
    p.members = $("members").value;
    api("/api/ensemble", p).then(function (doc) {
      say("");
      var e = doc.ensemble;
      ensembleLayer.clearLayers();
      var pts = [];
      e.members.forEach(function (m) {
        var l = m.landing;
        if (l.latitude === null) return;
        pts.push([l.latitude, l.longitude]);
        L.circleMarker([l.latitude, l.longitude], { radius: 3, weight: 1, color: l.surface === "sea" ? "#1f77b4" : "#2ca02c", className: "member-marker" })
          .bindTooltip(t("member_popup", { member: m.member, surface: l.surface })).addTo(ensembleLayer);
      });
      (e.ellipses || []).forEach(function (el) {
        var ring = el.polygon_lonlat_deg.map(function (p) { return [p[1], p[0]]; });
        L.polygon(ring, { color: "#ff7f0e", weight: 2, fill: false, className: "ellipse" }).bindTooltip(Math.round(el.probability * 100) + "%").addTo(ensembleLayer);
      });
      var lines = [t("ensemble_summary", { landed: e.landed_count, members: e.member_count, psea: fixed(100 * e.sea_probability, 0) })];
      Object.keys(e.zone_probabilities || {}).forEach(function (z) { lines.push(t("ensemble_zone", { zone: z, p: fixed(100 * e.zone_probabilities[z], 0) })); });
      if (e.mean_landing) lines.push(t("ensemble_mean", { lat: fixed(e.mean_landing.latitude, 4), lon: fixed(e.mean_landing.longitude, 4) }));
      if (e.mean_landing_coast && e.mean_landing_coast.distance_m > 0) lines.push(coastText(e.mean_landing_coast));
      if (e.sea_near_shore_probability !== null && e.sea_near_shore_probability !== undefined) {
        lines.push(t("ensemble_near_shore", { p: fixed(100 * e.sea_near_shore_probability, 0), km: fixed(e.near_shore_distance_m / 1000, 0) }));
      }
      if (e.atmosphere && e.atmosphere.synthetic) lines.push(t("synthetic_banner"));
      $("ensemble-result").textContent = lines.join("\n");
      if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.3), { animate: false });
      window.strato.state.ensembles += 1;
    }).catch(function (e) { say(e.message); });
  }
  $("ensemble-button").addEventListener("click", ensemble);

  // ---------------------------------------------------------------- the launch window
  function heatColour(p) {
    if (p === null || !isFinite(p)) return "#ccc";
    var r = Math.round(215 * (1 - p) + 40 * p), g = Math.round(48 * (1 - p) + 160 * p), b = Math.round(39 * (1 - p) + 44 * p);
    return "rgb(" + r + "," + g + "," + b + ")";
  }
  function plan() {
    say(t("working"));
    var p = flightParams();
    p.from = $("plan-from").value; p.to = $("plan-to").value; p.every = $("plan-every").value;
    p.members = $("plan-members").value;
    api("/api/plan", p).then(function (doc) {
      say("");
      var slots = doc.plan.slots.slice().sort(function (a, b) { return a.launch_time < b.launch_time ? -1 : 1; });
      planLayer.clearLayers();
      var days = {}, hours = {};
      slots.forEach(function (s) {
        var day = s.launch_time.slice(0, 10), hour = s.launch_time.slice(11, 16);
        days[day] = days[day] || {}; days[day][hour] = s; hours[hour] = true;
        if (s.mean_landing_latitude !== null) {
          L.circleMarker([s.mean_landing_latitude, s.mean_landing_longitude], { radius: 5, weight: 1, color: "#333", fillColor: heatColour(s.safe_probability), fillOpacity: 0.9, className: "plan-marker" })
            .bindTooltip(hhmm(s.launch_time) + ": P(safe) " + fixed(100 * s.safe_probability, 0) + "%").addTo(planLayer);
        }
      });
      var hourList = Object.keys(hours).sort();
      var table = document.createElement("table");
      table.className = "heat";
      var head = table.insertRow();
      head.insertCell().textContent = "UTC";
      hourList.forEach(function (h) { var th = document.createElement("th"); th.textContent = h; head.appendChild(th); });
      Object.keys(days).sort().forEach(function (day) {
        var row = table.insertRow();
        row.insertCell().textContent = day.slice(5);
        hourList.forEach(function (h) {
          var cell = row.insertCell(), s = days[day][h];
          if (s) {
            cell.style.background = heatColour(s.safe_probability);
            cell.textContent = fixed(100 * s.safe_probability, 0);
            cell.title = "P(sea) " + fixed(100 * s.sea_probability, 0) + "%";
            cell.className = "heat-cell";
          }
        });
      });
      var best = doc.plan.slots[0];
      var out = $("plan-result");
      out.textContent = best ? t("plan_summary", { slots: slots.length, best: hhmm(best.launch_time), p: fixed(100 * best.safe_probability, 0) }) + "\n" + t("plan_legend") : "";
      if (doc.plan.skipped && doc.plan.skipped.length) out.textContent += "\n" + t("plan_skipped", { n: doc.plan.skipped.length });
      out.appendChild(table);
      window.strato.state.plans += 1;
    }).catch(function (e) { say(e.message); });
  }
  $("plan-button").addEventListener("click", plan);

  // ---------------------------------------------------------------- live flights and the chase
  var chase = null, chaseMarker = null, target = null, shownFlight = null;
  function showChase() {
    if (!chase) return;
    if (chaseMarker) chaseMarker.setLatLng(chase);
    else chaseMarker = L.circleMarker(chase, { radius: 7, color: "#000", fillColor: "#ffd700", fillOpacity: 1, className: "chase-marker" }).addTo(map);
    if (!target) { $("chase-result").textContent = t("chase_no_target"); return; }
    api("/api/chase", { lat: chase[0], lon: chase[1], to_lat: target[0], to_lon: target[1] }).then(function (d) {
      $("chase-result").textContent = t("chase_to_landing", { km: fixed(d.distance_m / 1000, 2), bearing: fixed(d.bearing_deg, 0) });
    }).catch(function (e) { say(e.message); });
  }
  $("chase").addEventListener("change", function () {
    var parts = $("chase").value.split(",").map(function (s) { return parseFloat(s); });
    if (parts.length !== 2 || !isFinite(parts[0]) || !isFinite(parts[1])) { say(t("chase_bad")); return; }
    say(""); chase = parts; showChase();
  });
  $("geolocate-button").addEventListener("click", function () {
    if (!navigator.geolocation) { say(t("geolocation_failed", { why: "-" })); return; }
    navigator.geolocation.watchPosition(function (pos) {
      chase = [pos.coords.latitude, pos.coords.longitude]; showChase();
    }, function (err) { say(t("geolocation_failed", { why: err.message })); }, { enableHighAccuracy: true });
  });

  function drawFlight(name) {
    if (!name) return;
    api("/api/flights/" + encodeURIComponent(name) + "/track").then(function (gj) {
      liveLayer.clearLayers();
      var lines = [], position = null, predicted = null, points = 0;
      gj.features.forEach(function (f) {
        var k = f.properties.kind, c = f.geometry.coordinates;
        if (k === "track") {
          points = f.properties.points;
          L.polyline(c.map(function (p) { return [p[1], p[0]]; }), { color: "#e377c2", weight: 3, className: "live-track" }).addTo(liveLayer);
        } else if (k === "position") {
          position = f;
          L.circleMarker([c[1], c[0]], { radius: 7, color: "#e377c2", fillOpacity: 1, className: "live-position" }).addTo(liveLayer);
        } else if (k === "predicted_landing") {
          predicted = f;
          L.circleMarker([c[1], c[0]], { radius: 8, color: "#000", dashArray: "3", fillColor: "#ff7f0e", fillOpacity: 0.8, className: "live-predicted-landing" }).addTo(liveLayer);
        } else {
          L.circleMarker([c[1], c[0]], { radius: 5, color: "#444", className: "live-event" }).bindTooltip(k).addTo(liveLayer);
        }
      });
      if (gj.properties.synthetic) lines.push("SYNTHETIC");
      if (position) {
        var c = position.geometry.coordinates;
        lines.push(t("live_position", { flight: name, points: points, lat: fixed(c[1], 4), lon: fixed(c[0], 4), alt: fixed(position.properties.altitude_m, 0), time: hhmm(position.properties.time) }));
      }
      if (predicted) {
        var p = predicted.geometry.coordinates;
        target = [p[1], p[0]];
        lines.push(t("live_prediction", { lat: fixed(p[1], 4), lon: fixed(p[0], 4), time: hhmm(predicted.properties.landing_time) }));
      } else {
        lines.push(t("live_no_prediction"));
      }
      $("live-result").textContent = lines.join("\n");
      $("live-result").dataset.points = points;
      if (shownFlight !== name && position) {
        map.setView([position.geometry.coordinates[1], position.geometry.coordinates[0]], Math.max(map.getZoom(), 8));
      }
      shownFlight = name;
      window.strato.state.liveUpdates += 1;
      showChase();
    }).catch(function (e) { say(e.message); });
  }
  function listFlights(flights) {
    var select = $("flight-select"), chosen = select.value;
    select.innerHTML = "";
    flights.forEach(function (f) {
      var option = document.createElement("option");
      option.value = f.name; option.textContent = f.name + (f.callsign ? " (" + f.callsign + ")" : "");
      select.appendChild(option);
    });
    if (!flights.length) { $("live-result").textContent = t("no_flights"); return; }
    var names = flights.map(function (f) { return f.name; });
    select.value = names.indexOf(chosen) >= 0 ? chosen : names[names.length - 1];
    drawFlight(select.value);
  }
  $("flight-select").addEventListener("change", function () { drawFlight($("flight-select").value); });
  function startLive() {
    $("live-section").hidden = false;
    var source = new EventSource("/api/live");
    source.addEventListener("flights", function (ev) { say(""); listFlights(JSON.parse(ev.data).flights); });
    source.addEventListener("problem", function (ev) { say(JSON.parse(ev.data).description); });
    source.onerror = function () { say(t("live_connection_lost")); };
  }

  // ---------------------------------------------------------------- start
  // The overview coastline of the whole wind area, then finer detail for the view when zoomed in.
  var detailLayer = L.geoJSON(null, { style: { color: "#6b6b47", weight: 1, fillColor: "#ebe1c8", fillOpacity: 1 } }).addTo(map);
  function loadCoastline() {
    api("/api/coastline")
      .then(function (gj) { coastLayer.addData(gj); coastLayer.bringToBack(); window.strato.state.coastline = gj.features.length; })
      .catch(function (e) { say(t("no_coastline", { description: e.message })); window.strato.state.coastline = 0; });
  }
  var detailTimer = null;
  map.on("moveend", function () {
    clearTimeout(detailTimer);
    detailTimer = setTimeout(function () {
      var v = map.getBounds();
      if (v.getNorth() - v.getSouth() > 8 || v.getEast() - v.getWest() > 12) { detailLayer.clearLayers(); return; }
      api("/api/coastline", { south: v.getSouth(), west: v.getWest(), north: v.getNorth(), east: v.getEast() })
        .then(function (gj) { detailLayer.clearLayers(); detailLayer.addData(gj); detailLayer.bringToBack(); coastLayer.bringToBack(); })
        .catch(function () { detailLayer.clearLayers(); });
    }, 300);
  });
  api("/api/info").then(function (info) {
    var a = info.atmosphere;
    $("synthetic-banner").hidden = !a.synthetic;
    L.rectangle([[a.south, a.west], [a.north, a.east]], { color: "#888", weight: 1, fill: false, dashArray: "4" }).addTo(areaLayer);
    if (!shownFlight) map.fitBounds([[a.south, a.west], [a.north, a.east]]);
    loadCoastline();
    var d = info.default_launch;
    if (d) { setLaunch(d.latitude, d.longitude); $("time").value = d.time; }
    $("plan-from").value = a.time_start;
    $("plan-to").value = a.time_end;
    $("members").max = info.limits.max_members;
    if (info.flight_log) startLive();
    window.strato.state.ready = true;
  }).catch(function (e) { say(e.message); });
  api("/api/balloons").then(function (doc) {
    doc.balloons.forEach(function (b) {
      var option = document.createElement("option");
      option.value = b.name; option.textContent = b.name; $("balloon").appendChild(option);
    });
    $("balloon").value = doc.balloons.length ? doc.balloons[0].name : "";
  });
})();
