"""
One module per platform: parse its wire format, verify its signatures, send replies
and publish. Nothing else: storing and deciding live in inbox.services.
"""
