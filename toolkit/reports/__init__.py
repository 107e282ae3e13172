"""Periodic reports and assessment figures (第三条 定期督查, 第六条 年度考核)."""
