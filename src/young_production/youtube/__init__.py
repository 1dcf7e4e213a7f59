"""YouTube performance: the Data API client, the keyless yt-dlp route, Studio CSV exports, snapshots.

Nothing here touches a store: skills under `skills/performance/` join these results to records.
"""
