-- Residents, aggregated: counts per cluster cell (never individual people; no personal data).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y), 4490) AS search
), cells AS (
    SELECT count(*) AS residents,
           count(*) FILTER (WHERE r.birth_year <= extract(year FROM now())::int - 65) AS over_65,
           ST_Centroid(ST_Collect(r.geom)) AS geom
    FROM resident r, bounds b
    WHERE r.geom && b.search
      AND (CAST(:town AS text) IS NULL OR left(r.grid_code, 9) = :town)
    GROUP BY ST_SnapToGrid(r.geom, GREATEST(:cell, 0.0002))
), features AS (
    SELECT c.residents, c.over_65, least(3 + sqrt(c.residents) / 3, 18)::int AS radius_px,
           ST_AsMVTGeom(ST_Transform(c.geom, 3857), b.tile, 4096, 0, true) AS geom
    FROM cells c, bounds b
)
SELECT ST_AsMVT(features, 'population', 4096, 'geom') FROM features WHERE geom IS NOT NULL
