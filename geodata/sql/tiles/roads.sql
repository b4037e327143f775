-- Roads by class; minor classes only from the zoom where they are legible.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT r.name, r.road_class, r.lanes,
           CASE r.road_class WHEN 'expressway' THEN 4 WHEN 'national' THEN 3 WHEN 'provincial' THEN 3
                             WHEN 'county' THEN 2 ELSE 1 END AS width_px,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(r.geom, :tol), 3857), b.tile, 4096, 64, true) AS geom
    FROM road r, bounds b
    WHERE r.geom && b.search
      AND (r.road_class IN ('expressway', 'national', 'provincial', 'county') OR :z >= 11)
      AND (r.road_class NOT IN ('village', 'urban') OR :z >= 13)
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'roads', 4096, 'geom') FROM features WHERE geom IS NOT NULL
