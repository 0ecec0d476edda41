"""Make the administrative boundary layers in ``layers/`` from a snapshot of
``thanglequoc/vietnamese-provinces-database`` (MIT).

Usage (``make layers SOURCE=/path/to/vietnamese-provinces-database``)::

    python layers/make_layers.py SOURCE [--commit HEAD] [--old-tag v2.4.1] [--check DVHCVN]

``SOURCE`` is a clone (or bare git directory) of the source repository; files are read
with ``git`` at ``--commit`` so the result names the exact source commit. Nothing from the
source is copied but the derived, simplified geometries and unit names and codes.

What it makes
-------------
``provinces.geojson``
    The 34 province-level units in force from 1 July 2025, from the source's own
    province outlines (``json/geojson/<code>_<name>/<code>_<name>.geojson``).
``provinces_former.geojson``
    The 63 units before 1 July 2025, rebuilt by dissolving the 3,321 communes of
    2025 by the pre-merger province their code belongs to. A commune formed on
    1 July 2025 keeps the code of one of the communes it absorbed, and the code list
    before the merger (tag ``--old-tag``, 63 provinces) says which province that code
    was in. A commune of 2025 that took in land across a former provincial border is
    wholly given to one side (the rare cross-border adjustments are not resolved).
``communes.geojson``
    The communes and wards of 2025 in the Red River Delta provinces tracked here
    (:data:`COMMUNE_PROVINCES`).

Each set is simplified as a coverage (``shapely.coverage_simplify``), so neighbours keep
one shared edge with no gaps or overlaps, then rounded to 4 decimals (about 11 m).
``--check`` compares the 63 rebuilt provinces with a second, independent source
(``daohoangson/dvhcvn`` ``data/gis/<code>.json``, outlines from gis.chinhphu.vn), and
every run compares the names with ``geotrack.vocab`` and each set's areas with the source's
own ``areaKm2`` figures; the figures are printed for ``layers/README.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geotrack import vocab  # noqa: E402

LAYERS = Path(__file__).resolve().parent
#: Simplification tolerance in degrees (about 100 m for provinces, 50 m for communes).
PROVINCE_TOLERANCE = 0.001
COMMUNE_TOLERANCE = 0.0005
DECIMALS = 4
AREA_CRS = "EPSG:3405"  # VN-2000 / UTM 48N, as geotrack.geo measures lengths
#: Current provinces whose communes are vendored (the tracked region).
COMMUNE_PROVINCES = ("Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Phú Thọ")


def git(source: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(source), *args], check=True, capture_output=True).stdout


def geojson_files(source: Path, commit: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``json/geojson/**.geojson`` at ``commit``, parsed, with its path."""
    tar_bytes = git(source, "archive", "--format=tar", commit, "json/geojson")
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".geojson"):
                handle = tar.extractfile(member)
                assert handle is not None
                yield member.name, json.load(handle)


def canonical_name(name: str) -> str:
    """The vocabulary's spelling of a province name (current or former); raises when unknown."""
    bare = name.removeprefix("Thành phố ").removeprefix("Tỉnh ").strip()
    for known in (*vocab.PROVINCES, *vocab.FORMER_PROVINCES):
        if vocab.fold(known) == vocab.fold(bare):
            return known
    raise SystemExit(f"province name {name!r} is not in geotrack.vocab")


def polygonal(geom: Any) -> MultiPolygon:
    geom = shapely.make_valid(geom)
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    polys = [p for g in parts for p in getattr(g, "geoms", [g])]
    return MultiPolygon(polys)


def simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = shapely.coverage_simplify(gdf.geometry.values, tolerance, simplify_boundary=True)
    out["geometry"] = [polygonal(shapely.set_precision(g, 10**-DECIMALS)) for g in out.geometry]
    return out


def area_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    return (gdf.to_crs(AREA_CRS).area / 1e6).round(1)


def write(gdf: gpd.GeoDataFrame, path: Path, meta: dict[str, Any]) -> None:
    features = []
    for _, row in gdf.iterrows():
        props = {k: (v if not isinstance(v, float) or v == v else None) for k, v in row.items() if k != "geometry"}
        geom = mapping(row.geometry)
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    doc = {"type": "FeatureCollection", "metadata": meta, "features": features}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{path.name}: {len(features)} features, {len(text) / 1e6:.2f} MB")


def old_code_list(source: Path, tag: str) -> dict[str, tuple[str, str]]:
    """Pre-merger commune code → (province code, province name), from the code list at ``tag``."""
    units = json.loads(git(source, "show", f"{tag}:json/simplified_json_generated_data_vn_units.json"))
    if len(units) != 63:
        raise SystemExit(f"{tag}: expected 63 provinces, found {len(units)}")
    return {
        ward["Code"]: (province["Code"], province["Name"])
        for province in units
        for district in province["District"]
        for ward in district["Ward"] or []
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="clone or git directory of thanglequoc/vietnamese-provinces-database")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--old-tag", default="v2.4.1", help="last tag with the 63-province code list")
    parser.add_argument("--check", type=Path, help="clone or git directory of daohoangson/dvhcvn (second source)")
    parser.add_argument("--out", type=Path, default=LAYERS)
    args = parser.parse_args(argv)

    commit = git(args.source, "rev-parse", args.commit).decode().strip()
    old_tag_commit = git(args.source, "rev-parse", f"{args.old_tag}^{{commit}}").decode().strip()
    old_codes = old_code_list(args.source, args.old_tag)
    provinces: list[dict[str, Any]] = []
    communes: list[dict[str, Any]] = []
    for path, doc in geojson_files(args.source, commit):
        feature = doc["features"][0]
        props = feature["properties"]
        folder = path.split("/")[2]
        if "/wards/" not in path:
            provinces.append({"code": props["code"], "name": canonical_name(props["name"]),
                              "full_name": props["fullName"], "name_en": props.get("nameEn"),
                              "source_area_km2": props.get("areaKm2"), "geometry": shape(feature["geometry"])})
        else:
            old = old_codes.get(props["code"])
            if old is None:  # island districts without communes: codes run in province blocks
                earlier = [c for c in old_codes if c < props["code"]]
                if not earlier:
                    raise SystemExit(f"{path}: commune code {props['code']} not in the {args.old_tag} code list")
                old = old_codes[max(earlier)]
                print(f"{props['fullName']} ({props['code']}): not in {args.old_tag}, given to {old[1]} "
                      "by its code block")
            communes.append({"code": props["code"], "name": props["name"], "full_name": props["fullName"],
                             "province_code": folder.split("_")[0], "former_province_code": old[0],
                             "former_province": canonical_name(old[1]), "source_area_km2": props.get("areaKm2"),
                             "geometry": shape(feature["geometry"])})
    prov = gpd.GeoDataFrame(provinces, crs="EPSG:4326").sort_values("code").reset_index(drop=True)
    comm = gpd.GeoDataFrame(communes, crs="EPSG:4326").sort_values("code").reset_index(drop=True)
    names = dict(zip(prov["code"], prov["name"], strict=True))
    comm["province"] = comm["province_code"].map(names)
    missing = set(vocab.PROVINCES) - set(prov["name"])
    if len(prov) != 34 or missing:
        raise SystemExit(f"expected the 34 provinces of geotrack.vocab; missing {sorted(missing)}")

    # the 63: dissolve communes by the pre-merger province of their code
    former = comm.dissolve(by=["former_province_code", "former_province"], as_index=False, aggfunc={"province": "first"})
    former = former.rename(columns={"former_province_code": "code", "former_province": "name",
                                    "province": "current"})[["code", "name", "current", "geometry"]]
    for _, row in former.iterrows():  # a former unit must map onto its successor in the vocabulary
        successor = vocab.FORMER_PROVINCES.get(row["name"], row["name"])
        if successor != row["current"]:
            print(f"warning: former {row['name']} dissolved into {row['current']}, vocab says {successor}")
    if len(former) != 63:
        raise SystemExit(f"expected 63 former provinces, rebuilt {len(former)}")

    source = {"repository": "https://github.com/thanglequoc/vietnamese-provinces-database", "commit": commit,
              "licence": "MIT, Copyright (c) 2021 Thang Le Quoc", "made_by": "layers/make_layers.py"}
    prov_out = simplified(prov, PROVINCE_TOLERANCE)
    prov_out["area_km2"] = area_km2(prov_out)
    prov_out["former"] = [list(vocab.PROVINCES[n]) for n in prov_out["name"]]
    prov_out = prov_out[["code", "name", "full_name", "name_en", "former", "area_km2", "source_area_km2", "geometry"]]
    write(prov_out, args.out / "provinces.geojson",
          {**source, "title": "Province-level units from 1 July 2025 (34)", "simplified_deg": PROVINCE_TOLERANCE})
    former_out = simplified(former.sort_values("code").reset_index(drop=True), PROVINCE_TOLERANCE)
    former_out["area_km2"] = area_km2(former_out)
    write(former_out, args.out / "provinces_former.geojson",
          {**source, "old_code_list": f"{args.old_tag} ({old_tag_commit})",
           "title": "Province-level units before 1 July 2025 (63), rebuilt from the 2025 communes",
           "simplified_deg": PROVINCE_TOLERANCE})
    delta = comm[comm["province"].isin(COMMUNE_PROVINCES)].reset_index(drop=True)
    delta_out = simplified(delta, COMMUNE_TOLERANCE)
    delta_out["area_km2"] = area_km2(delta_out)
    delta_out = delta_out[["code", "name", "full_name", "province", "former_province", "area_km2",
                           "source_area_km2", "geometry"]]
    write(delta_out, args.out / "communes.geojson",
          {**source, "title": "Communes and wards from 1 July 2025 in " + ", ".join(COMMUNE_PROVINCES),
           "simplified_deg": COMMUNE_TOLERANCE})

    report(prov_out, delta_out, former_out, comm, args.check)
    return 0


def _polygon_type(coordinates: Any) -> str:
    depth = 0
    while isinstance(coordinates, list):
        coordinates, depth = coordinates[0], depth + 1
    return "MultiPolygon" if depth == 4 else "Polygon"


def report(prov: gpd.GeoDataFrame, delta: gpd.GeoDataFrame, former: gpd.GeoDataFrame, comm: gpd.GeoDataFrame,
           check: Path | None) -> None:
    """Print the cross-checks recorded in layers/README.md."""
    worst = (prov["area_km2"] / prov["source_area_km2"] - 1).abs()
    print(f"provinces: area vs source areaKm2, worst {worst.max():.2%} ({prov.loc[worst.idxmax(), 'name']})")
    dissolved = comm.dissolve(by="province")
    dissolved_area = area_km2(dissolved)
    diff = (prov.set_index("name")["area_km2"] / dissolved_area - 1).abs()
    print(f"provinces vs their own communes dissolved: worst area difference {diff.max():.2%} ({diff.idxmax()})")
    cworst = (delta["area_km2"] / delta["source_area_km2"] - 1).abs()
    print(f"communes: area vs source areaKm2, median {cworst.median():.2%}, worst {cworst.max():.2%}")
    print(f"former: {len(former)} units, total {former['area_km2'].sum():,.0f} km², "
          f"current total {prov['area_km2'].sum():,.0f} km²")
    if check is None:
        return
    commit = git(check, "rev-parse", "HEAD").decode().strip()
    rows = []
    for _, row in former.iterrows():
        try:
            doc = json.loads(git(check, "show", f"HEAD:data/gis/{row['code']}.json"))
        except subprocess.CalledProcessError:
            rows.append((row["code"], row["name"], None, None))
            continue
        other = shapely.union_all([polygonal(shape({"type": _polygon_type(d["coordinates"]),
                                                    "coordinates": d["coordinates"]})) for d in doc["level2s"]])
        other_name = canonical_name(doc["name"])
        if other_name != row["name"]:
            print(f"warning: code {row['code']}: {row['name']} here, {other_name} in the second source")
        mine = gpd.GeoSeries([row.geometry, other], crs="EPSG:4326").to_crs(AREA_CRS)
        inter = mine.iloc[0].intersection(mine.iloc[1]).area
        iou = inter / mine.iloc[0].union(mine.iloc[1]).area
        rows.append((row["code"], row["name"], round(mine.iloc[1].area / 1e6, 1), round(iou, 3)))
    table = pd.DataFrame(rows, columns=["code", "name", "other_area_km2", "iou"])
    print(f"second source daohoangson/dvhcvn {commit}: {table['iou'].notna().sum()} of 63 compared; "
          f"IoU median {table['iou'].median():.3f}, min {table['iou'].min():.3f} "
          f"({table.loc[table['iou'].idxmin(), 'name']}); not in it: {list(table[table['iou'].isna()]['name'])}")
    print(table.sort_values("iou").head(8).to_string(index=False))


if __name__ == "__main__":
    raise SystemExit(main())
