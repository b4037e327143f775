-- Standard addresses. Below the detail zoom, points are clustered on a grid of :cell degrees
-- (count per cluster), so a county-wide tile stays small; from the detail zoom, every address.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y), 4490) AS search
), clustered AS (
    SELECT count(*) AS count, min(a.full_text) AS full_text, NULL::text AS code, NULL::text AS level,
           ST_Centroid(ST_Collect(a.geom)) AS geom
    FROM standard_address a, bounds b
    WHERE :cell > 0 AND a.geom && b.search AND a.level IN ('house_number', 'building')
      AND (CAST(:town AS text) IS NULL OR a.town_code = :town)
    GROUP BY ST_SnapToGrid(a.geom, :cell)
), detailed AS (
    SELECT 1 AS count, a.full_text, a.code, a.level, a.geom
    FROM standard_address a, bounds b
    WHERE :cell = 0 AND a.geom && b.search AND a.level IN ('house_number', 'building')
      AND (CAST(:town AS text) IS NULL OR a.town_code = :town)
    LIMIT :lim
), features AS (
    SELECT p.count, p.full_text, p.code, p.level,
           ST_AsMVTGeom(ST_Transform(p.geom, 3857), b.tile, 4096, 0, true) AS geom
    FROM (SELECT * FROM clustered UNION ALL SELECT * FROM detailed) p, bounds b
)
SELECT ST_AsMVT(features, 'addresses', 4096, 'geom') FROM features WHERE geom IS NOT NULL
