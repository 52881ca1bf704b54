DROP FUNCTION settle_licenses(TEXT[], TEXT[]);
