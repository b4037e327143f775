-- Enterprises (public registry data: name, USCC, industry, size).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y), 4490) AS search
), features AS (
    SELECT e.id, e.name, e.uscc, e.industry_code, i.chain, e.size, e.employees, e.output_value_wan,
           ST_AsMVTGeom(ST_Transform(e.geom, 3857), b.tile, 4096, 0, true) AS geom
    FROM enterprise e JOIN industry_class i ON i.code = e.industry_code, bounds b
    WHERE e.geom && b.search
      AND (CAST(:town AS text) IS NULL OR left(e.grid_code, 9) = :town)
    ORDER BY e.output_value_wan DESC
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'enterprises', 4096, 'geom') FROM features WHERE geom IS NOT NULL
