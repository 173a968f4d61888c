# Official Korean style (행정업무규정 제7조): "2026. 3. 7." and 24-hour "15:20".
DATE_FORMAT = "Y. n. j."
DATETIME_FORMAT = "Y. n. j. H:i"
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n. j."
YEAR_MONTH_FORMAT = "Y. n."
DATE_INPUT_FORMATS = ["%Y. %m. %d.", "%Y.%m.%d", "%Y. %m. %d", "%Y-%m-%d", "%Y%m%d"]
DATETIME_INPUT_FORMATS = ["%Y. %m. %d. %H:%M", "%Y.%m.%d %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
