"""The browser UI's building blocks: labels, the Leaflet and WebGL maps, tables and the timeline."""
