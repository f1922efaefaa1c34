"""National credit platforms: 信用中国 pushes repair applications (imported from JSON
files) and receives their results; 国家企业信用信息公示系统 and 全国信用信息共享平台
receive every move of the register.  No real connection exists here: the adapters read
and write JSON files, with a record and retries per item."""

PLATFORMS = {
    "gsxt": "国家企业信用信息公示系统",
    "share": "全国信用信息共享平台",
    "creditchina": "信用中国",
}
# Platforms that hear of every published move of the register (listing, removal, …).
REGISTER_PLATFORMS = ("gsxt", "share")
