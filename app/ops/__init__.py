"""Operations: health, metrics, structured logs, backups."""
