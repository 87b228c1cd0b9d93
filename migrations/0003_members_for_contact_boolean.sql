-- Issue 10: members.forContact is a boolean in the API's documented example, so
-- mappings/members.yaml maps it as `boolean`. Printed by `intouch-sync plan` as
--   ALTER TABLE "members" ALTER COLUMN "for_contact" TYPE boolean USING "for_contact"::boolean;
-- and edited so that text the old mapping stored which is no boolean becomes NULL instead
-- of failing the cast: members is re-read whole on every sync, which refills the column.
-- (0002 stays as it was applied; see docs/mapping-language.md.)
ALTER TABLE "members" ALTER COLUMN "for_contact" TYPE boolean USING
    CASE lower(btrim("for_contact"::text))
        WHEN 'true' THEN true WHEN 't' THEN true WHEN '1' THEN true
        WHEN 'false' THEN false WHEN 'f' THEN false WHEN '0' THEN false
    END;
