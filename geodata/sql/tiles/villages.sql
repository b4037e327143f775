-- Village / community boundaries.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT a.code, a.name, a.kind, a.parent_code AS town_code,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(a.geom, :tol, true), 3857), b.tile, 4096, 64, true) AS geom
    FROM admin_area a, bounds b
    WHERE a.level = 'village' AND a.geom && b.search
      AND (CAST(:town AS text) IS NULL OR a.parent_code = :town)
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'villages', 4096, 'geom') FROM features WHERE geom IS NOT NULL
