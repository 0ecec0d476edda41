/* geotrack map: decode the compact item payload, draw it, fit the view, count what is drawn.
 *
 * Loaded once per page (geotrack.ui.leaflet reads this file into the page script); the item
 * layers arrive later, and again on every filter change, through streamlit-folium's
 * feature_group_to_add in another scope: what they call lives on window.
 * Every text in the payload is HTML-escaped by the server; here it is only put together.
 * No Jinja syntax may appear in this file (branca renders the page as a template). */
/* eslint-env browser */
/* global L */

// the item layers arrive later and again on every filter change (streamlit-folium's
// feature_group_to_add, evaluated in another scope): what they call lives on window
var gtStyles = {}, gtLabels = {modes: {}, statuses: {}}, gtTooltip = '';
window.gtLayers = {};  // mode → {key: content hash, layer: L.GeoJSON, owner: its feature group}
// the texts are escaped by the server: here they are only put together
function gtFill(pieces) { return gtTooltip.replace(/\{(\w+)\}/g, function (m, key) { return pieces[key]; }); }
function gtRuns(g) {  // encode_geometries → per geometry its parts → rings → [lon, lat] vertices
  var out = [], p = 0, r = 0, v = 0, xy = g.xy, s = g.scale;
  for (var i = 0; i < g.t.length; i++) {
    var parts = [];
    for (var a = 0; a < g.parts[i]; a++, p++) {
      var rings = [];
      for (var b = 0; b < g.rings[p]; b++, r++) {
        var run = [], x = 0, y = 0;
        for (var k = 0; k < g.vertices[r]; k++, v++) {
          x = k ? x + xy[2 * v] : xy[2 * v];
          y = k ? y + xy[2 * v + 1] : xy[2 * v + 1];
          run.push([x / s, y / s]);
        }
        rings.push(run);
      }
      parts.push(rings);
    }
    out.push(parts);
  }
  return out;
}
function gtGeometry(t, parts) {
  if (t === 0) { return {type: 'Point', coordinates: parts[0][0][0]}; }
  if (t === 1) { return {type: 'LineString', coordinates: parts[0][0]}; }
  if (t === 3) { return {type: 'Polygon', coordinates: parts[0]}; }
  if (t === 4) { return {type: 'MultiPoint', coordinates: parts.map(function (q) { return q[0][0]; })}; }
  if (t === 5) { return {type: 'MultiLineString', coordinates: parts.map(function (q) { return q[0]; })}; }
  return {type: 'MultiPolygon', coordinates: parts};
}
window.gtFeatures = function (mode, c) {  // the features of one mode (decode_features in Python)
  var runs = gtRuns(c.geometry), ids = c.id_html || c.ids;
  return {type: 'FeatureCollection', features: runs.map(function (parts, i) {
    var status = c.statuses[c.status[i]];
    return {type: 'Feature', id: c.ids[i], geometry: gtGeometry(c.geometry.t[i], parts), properties: {
      k: mode + '|' + status,
      tt: gtFill({name: c.names[i], mode: gtLabels.modes[mode], status: gtLabels.statuses[status],
                  deadline: c.deadlines[i], id: ids[i]}),
      pp: c.popups ? c.popups[i] : ''}};
  })};
};
window.gtLayerOptions = {
  style: function (f) { return gtStyles[f.properties.k] || {}; },
  pointToLayer: function (f, latlng) {
    var options = L.extend({}, gtStyles[f.properties.k] || {}, {gtHome: latlng});
    return L.circleMarker(latlng, options);
  },
  onEachFeature: function (f, layer) {
    if (f.properties.tt) { layer.bindTooltip(f.properties.tt, {sticky: true}); }
    if (f.properties.pp) { layer.bindPopup(f.properties.pp, {maxWidth: 360}); }
    // after streamlit-folium's own click handlers (same event, later task) have recorded the click
    layer.on('click', function () { setTimeout(window.gtReportClick, 0); });
  }
};
// streamlit-folium reports a click to the page 250 ms late: one debounce serves clicks and map moves
// alike. A click on an item is reported at once here, with the very value it would report (its keys
// in its order, those the page asked for); its record of the last value sent is updated too, so its
// own report 250 ms later finds nothing new and sends nothing: one rerun, a quarter second sooner.
var GT_CLICK_VALUES = ['last_clicked', 'last_object_clicked', 'last_object_clicked_count',
  'last_object_clicked_tooltip', 'last_object_clicked_popup', 'all_drawings', 'last_active_drawing',
  'last_geocoder_result'];
window.gtReportClick = function () {
  var g = window.__GLOBAL_DATA__, wanted = g && g.returned_objects;
  // only when the page asked for values a click sets (bounds, zoom and centre are read when reported)
  if (!wanted || !wanted.length || g.wrap_longitude || window.parent === window ||
      wanted.some(function (k) { return GT_CLICK_VALUES.indexOf(k) < 0; })) { return; }
  var now = {last_clicked: g.lat_lng_clicked, last_object_clicked: g.last_object_clicked,
    last_object_clicked_count: g.last_object_clicked_count, last_object_clicked_tooltip: g.last_object_clicked_tooltip,
    last_object_clicked_popup: g.last_object_clicked_popup, all_drawings: g.all_drawings,
    last_active_drawing: g.last_active_drawing, last_geocoder_result: g.last_geocoder_result};
  var value = {};
  GT_CLICK_VALUES.forEach(function (k) { if (wanted.indexOf(k) >= 0) { value[k] = now[k]; } });
  if (JSON.stringify(g.previous_data) === JSON.stringify(value)) { return; }
  g.previous_data = value;
  window.parent.postMessage({isStreamlitMessage: true, type: 'streamlit:setComponentValue', value: value,
                             dataType: 'json'}, '*');
};
// The layer of a mode, shown while its feature group is: made again only when its content
// changed, and kept on the map through a swap of groups, so a selection (which sends the
// groups again) neither redraws thousands of items nor closes the popup the click opened.
window.gtItemLayer = function (map, group, mode, key, make) {
  var held = window.gtLayers[mode];
  if (!held || held.key !== key) {
    if (held) { map.removeLayer(held.layer); }
    held = window.gtLayers[mode] = {key: key, layer: make(), owner: null};
  }
  held.owner = group;
  group.on('add', function () { if (held.owner === group) { map.addLayer(held.layer); } });
  group.on('remove', function () {
    // the next group of this mode is added in the same turn: decide once it has been
    setTimeout(function () {
      if (!map.hasLayer(held.owner) || window.gtLayers[mode] !== held) { map.removeLayer(held.layer); }
      window.gtCount(map);
    }, 0);
  });
  return held.layer;
};
window.gtCount = function (map) {
  var n = 0, ids = [];
  Object.keys(window.gtLayers).forEach(function (mode) {
    var layer = window.gtLayers[mode].layer;
    if (map.hasLayer(layer)) { layer.eachLayer(function (l) { n += 1; ids.push(l.feature.id); }); }
  });
  var box = map.getContainer();
  box.setAttribute('data-gt-features', String(n));
  box.setAttribute('data-gt-ids', ids.join(' '));
  return n;
};
// fit the map to the items whenever they change, and again when the frame is resized
// before anything else moved the view (the user, a focus on an item)
window.gtView = {bounds: null, full: null, shown: null, moved: false, fitting: false};
window.gtFit = function (map) {
  var v = window.gtView;
  if (!v.bounds || v.moved) { return; }
  v.fitting = true;
  map.fitBounds(v.bounds, {padding: [20, 20], maxZoom: 13, animate: false});
  v.fitting = false;
};
window.gtShow = function (map, bounds, modes, full) {
  var v = window.gtView, text = JSON.stringify([bounds, full]);
  v.full = full || bounds;
  Object.keys(window.gtLayers).forEach(function (mode) {  // modes no longer selected
    if (modes.indexOf(mode) < 0) { map.removeLayer(window.gtLayers[mode].layer); delete window.gtLayers[mode]; }
  });
  if (text !== v.shown) { v.shown = text; v.bounds = bounds; v.moved = false; window.gtFit(map); }
  setTimeout(function () { window.gtCount(map); window.gtSpread(map); }, 0);
};
// styles and labels of every mode and status for the page's language (geotrack.ui.leaflet)
window.gtConfigure = function (config) {
  gtStyles = config.styles; gtLabels = config.labels; gtTooltip = config.tooltip;
  window.gtRegion = config.region; window.gtRingColour = config.highlight;
};

// The ring under the selected item, drawn here from the item's own drawing where it is placed now.
// The page names the item in an argument of its own (gt_selected), so that a selection changes
// nothing streamlit-folium looks at: it had evaluated and swapped every item layer on each click.
// The first render is handled before this script exists: its selection comes in the page header.
window.gtSelected = null;
window.gtRing = null;
window.gtRingFor = function (map, id) {
  window.gtSelected = id;
  if (window.gtRing) { map.removeLayer(window.gtRing); window.gtRing = null; }
  var found = null;
  Object.keys(window.gtLayers).forEach(function (mode) {
    var layer = window.gtLayers[mode].layer;
    if (id && !found && map.hasLayer(layer)) {
      layer.eachLayer(function (l) { if (!found && l.feature && l.feature.id === id) { found = l; } });
    }
  });
  if (!found) { return; }
  // the geometry alone: the ring is not the item (what counts or finds items by id must not see it)
  var ring = {type: 'Feature', geometry: found.toGeoJSON().geometry, properties: {ring: id}};
  window.gtRing = L.geoJSON(ring, window.gtHighlightOptions(window.gtRingColour)).addTo(map);
  window.gtRing.eachLayer(function (l) { l.bringToBack(); });  // a ring under the item, not a cover over it
};
if (typeof document !== 'undefined') {  // in the map's page (the decoding test runs this file bare)
  var gtRingMeta = document.querySelector('meta[name="gt-selected"]');
  window.gtSelected = gtRingMeta ? gtRingMeta.getAttribute('content') || null : null;
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!d || d.type !== 'streamlit:render' || !d.args || !window.map) { return; }
    var id = d.args.gt_selected || null;
    // after streamlit-folium has handled the same message (it may have swapped the item layers)
    if (id !== window.gtSelected) { setTimeout(function () { window.gtRingFor(window.map, id); }, 0); }
  });
}

// Points closer than SPREAD_PX on screen (a port and its berths, children on their parent's point)
// are set apart on a small circle around where they are, at every zoom; the true place stays in
// options.gtHome, and a thin line joins each moved point to it.
var SPREAD_PX = 14;
window.gtSpread = function (map) {
  var points = [];
  Object.keys(window.gtLayers).forEach(function (mode) {
    var layer = window.gtLayers[mode].layer;
    if (!map.hasLayer(layer)) { return; }
    layer.eachLayer(function (l) { if (l.options && l.options.gtHome) { points.push(l); } });
  });
  if (window.gtLegs) { map.removeLayer(window.gtLegs); }
  window.gtLegs = L.layerGroup().addTo(map);
  var placed = points.map(function (l) { return map.latLngToLayerPoint(l.options.gtHome); });
  var taken = points.map(function () { return false; });
  // points by grid cell of the spread distance: a point's neighbours are in its own and the eight cells
  // around it (comparing every pair took minutes at tens of thousands of points)
  var cells = {}, cellOf = function (p) { return [Math.floor(p.x / SPREAD_PX), Math.floor(p.y / SPREAD_PX)]; };
  placed.forEach(function (p, k) {
    var c = cellOf(p), key = c[0] + ',' + c[1];
    (cells[key] = cells[key] || []).push(k);
  });
  var near = function (i) {
    var c = cellOf(placed[i]), found = [];
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        (cells[(c[0] + dx) + ',' + (c[1] + dy)] || []).forEach(function (j) {
          if (j > i && !taken[j] && placed[i].distanceTo(placed[j]) < SPREAD_PX) { found.push(j); }
        });
      }
    }
    return found.sort(function (a, b) { return a - b; });
  };
  for (var i = 0; i < points.length; i++) {
    if (taken[i]) { continue; }
    var group = [i].concat(near(i));
    group.forEach(function (k) { taken[k] = true; });
    if (group.length === 1) { points[i].setLatLng(points[i].options.gtHome); continue; }
    var radius = Math.max(SPREAD_PX, group.length * 5);
    group.forEach(function (k, n) {
      var angle = 2 * Math.PI * n / group.length - Math.PI / 2;
      var at = placed[i].add(L.point(radius * Math.cos(angle), radius * Math.sin(angle)));
      var moved = map.layerPointToLatLng(at);
      points[k].setLatLng(moved);
      L.polyline([points[k].options.gtHome, moved], {color: '#555', weight: 1, opacity: 0.7, interactive: false})
        .addTo(window.gtLegs);
    });
  }
  window.gtRingFor(map, window.gtSelected);  // the ring follows its point where it was placed
};

// two buttons: back to the frame of the selection (the Delta), and the whole extent
window.gtExtentControl = function (map, labels) {
  var control = L.control({position: 'topleft'});
  control.onAdd = function () {
    var box = L.DomUtil.create('div', 'leaflet-bar gt-extent');
    [['gt-frame', labels.frame, function () { return window.gtView.bounds || window.gtRegion; }],
     ['gt-whole', labels.whole, function () { return window.gtView.full || window.gtRegion; }]].forEach(function (b) {
      var a = L.DomUtil.create('a', b[0], box);
      a.href = '#';
      a.setAttribute('role', 'button');
      a.title = b[1];
      a.textContent = b[1];
      L.DomEvent.on(a, 'click', function (e) {
        L.DomEvent.preventDefault(e);
        L.DomEvent.stopPropagation(e);
        map.fitBounds(b[2](), {padding: [20, 20], maxZoom: 13});
      });
    });
    return box;
  };
  control.addTo(map);
  // Leaflet's own controls in the page's language; a metric scale only (no miles)
  L.control.scale({imperial: false}).addTo(map);
  if (map.zoomControl) {
    [[map.zoomControl._zoomInButton, labels.zoomIn], [map.zoomControl._zoomOutButton, labels.zoomOut]]
      .forEach(function (b) { if (b[0]) { b[0].title = b[1]; b[0].setAttribute('aria-label', b[1]); } });
  }
  // the layer control may be made after this runs (streamlit-folium adds it): name its button when it is
  window.gtLayersTitle = labels.layers;
  var layers = L.Control.Layers.prototype;
  if (!layers.gtTitled) {
    var initLayout = layers._initLayout;
    layers._initLayout = function () {
      initLayout.call(this);
      if (this._layersLink) {
        this._layersLink.title = window.gtLayersTitle;
        this._layersLink.setAttribute('aria-label', window.gtLayersTitle);
      }
    };
    layers.gtTitled = true;
  }
  document.querySelectorAll('.leaflet-control-layers-toggle').forEach(function (a) {
    a.title = labels.layers;
    a.setAttribute('aria-label', labels.layers);
  });
};

// province boundaries under everything, with their names at a label point
window.gtBoundaries = function (group, data, former) {
  var build = function (shapes) {
    var lines = L.geoJSON(shapes, {
      interactive: false,
      style: function () {
        return former ? {color: '#7a5c2e', weight: 1, dashArray: '3 4', fill: false}
          : {color: '#5f6b78', weight: 1.2, fill: true, fillColor: '#ffffff', fillOpacity: 0.35};
      }
    });
    lines.addTo(group);
    var names = shapes.features.map(function (f) {
      return L.tooltip({permanent: true, direction: 'center', className: former ? 'gt-prov gt-prov-former' : 'gt-prov',
                        interactive: false}).setLatLng(f.properties.at).setContent(f.properties.name).addTo(group);
    });
    group.on('add', function () { lines.bringToBack(); });
    if (group._map) { lines.bringToBack(); }
    // A name is centred on its point by its measured width. Measured before the page's style sheets have
    // loaded, a name is as wide as the map and sits half a map to the left, and on a busy page they can arrive
    // after the load event: centre them whenever a name's size changes (the observer also calls at once).
    var centre = function () { names.forEach(function (t) { if (t._map) { t.update(); } }); };
    var watcher = new ResizeObserver(centre);
    var watch = function () {
      names.forEach(function (t) { var el = t.getElement(); if (el) { watcher.observe(el); } });
    };
    watch();
    group.on('add', function () { setTimeout(watch, 0); });  // a name's element is made when it is first shown
  };
  // A layer given by address ({url}) is fetched, so the items are drawn first; one given whole is read at once
  // (the former provinces come as text, read only when shown).
  var read = function () {
    if (data && data.url) {
      fetch(data.url).then(function (r) { return r.json(); }).then(build).catch(function (e) {
        console.warn('geotrack: province boundaries not loaded', e);
      });
    } else {
      build(typeof data === 'string' ? JSON.parse(data) : data);
    }
  };
  // The former provinces are hidden until the reader turns them on: read and drawn only then.
  if (former) { group.once('add', read); } else { read(); }
};

// the ring under the selected item, and the corridors in the background
window.gtHighlightOptions = function (colour) {
  return {
    style: function () { return {color: colour, weight: 11, opacity: 0.75, fillOpacity: 0.3, radius: 13}; },
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, {color: colour, weight: 5, radius: 13, fillOpacity: 0.25, interactive: false});
    },
    interactive: false
  };
};
window.gtCorridorOptions = function (colour) {
  return {
    style: function () { return {color: colour, weight: 2, opacity: 0.9, dashArray: '1 5'}; },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.tt, {sticky: true}); }
  };
};
