-- Park parcels with their development status (status_rank orders the colour scale).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT p.code, p.land_use, p.status, round(p.area_m2) AS area_m2, p.planned_far, p.actual_far,
           p.year_developed,
           CASE p.status WHEN 'developed' THEN 0 WHEN 'under_construction' THEN 1 WHEN 'vacant' THEN 2 ELSE 3 END
               AS status_rank,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(p.geom, :tol, true), 3857), b.tile, 4096, 64, true) AS geom
    FROM park_parcel p, bounds b
    WHERE p.geom && b.search
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'parcels', 4096, 'geom') FROM features WHERE geom IS NOT NULL
