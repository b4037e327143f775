-- Township boundaries. Bound parameters: z, x, y, tol (simplification, degrees), town, lim.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT a.code, a.name, a.kind,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(a.geom, :tol, true), 3857), b.tile, 4096, 64, true) AS geom
    FROM admin_area a, bounds b
    WHERE a.level = 'township' AND a.geom && b.search
      AND (CAST(:town AS text) IS NULL OR a.code = :town)
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'townships', 4096, 'geom') FROM features WHERE geom IS NOT NULL
