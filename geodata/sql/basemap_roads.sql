-- Roads of one basemap tile in tile space (0..:extent, y down), clipped with a :buffer margin so
-- that wide lines continue across tile edges. Classes too minor for the zoom are left out by the caller.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4490) AS search
), features AS (
    SELECT r.road_class AS kind,
           ST_AsMVTGeom(ST_Simplify(ST_Transform(r.geom, 3857), :tol), b.tile, :extent, :buffer, true) AS geom
    FROM road r, bounds b
    WHERE r.geom && b.search
      AND r.road_class = ANY(:classes)
)
SELECT kind, ST_AsBinary(geom) AS wkb FROM features WHERE geom IS NOT NULL
