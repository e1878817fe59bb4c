"""A writer process for the SIGKILL test: records lab values for one member as fast as it can and
prints the id of each one after its transaction committed (an acknowledged write).

Usage: python crash_writer.py DATABASE_URL MEMBER_ID
"""

import sys
from datetime import date, timedelta

from mmdecide.community.config import CommunityConfig
from mmdecide.community.service import Community

url, member_id = sys.argv[1], int(sys.argv[2])
c = Community(CommunityConfig(database_url=url))
day = date(2024, 1, 1)
for i in range(1_000_000):
    lab_id = c.entries.add(member_id, "lab", {"kind": "platelets", "value": str(100 + i % 50),
                                              "unit": "x10^9/L", "day": (day + timedelta(days=i % 300)).isoformat()})
    print(lab_id, flush=True)
