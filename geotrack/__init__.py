"""geotrack: a geospatial tracker of the infrastructure Vietnam has committed to
in the Red River Delta, Hà Nội and Hải Phòng."""

__version__ = "0.1.0"
