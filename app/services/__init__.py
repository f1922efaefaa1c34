"""Operations that change data outside the engine. Plain functions taking a session;
they flush, never commit: the view, job or command that calls them commits."""
