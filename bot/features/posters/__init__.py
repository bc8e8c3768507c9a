"""Poster sessions: boards, presenters' claims, abstracts and poster files, a voice per board."""
