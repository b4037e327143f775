-- Administrative boundaries of one basemap tile as lines in tile space (0..:extent, y down).
-- Polygons become their rings before clipping: a clipped polygon's outline would also trace the
-- tile's own edges.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4490) AS search
), features AS (
    SELECT a.level AS kind,
           ST_AsMVTGeom(ST_Simplify(ST_Boundary(ST_Transform(a.geom, 3857)), :tol), b.tile, :extent, :buffer, true)
               AS geom
    FROM admin_area a, bounds b
    WHERE a.geom && b.search
      AND a.level = ANY(:levels)
)
SELECT kind, ST_AsBinary(geom) AS wkb FROM features WHERE geom IS NOT NULL
