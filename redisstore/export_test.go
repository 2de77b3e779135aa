package redisstore

// RecentLimit is recentLimit, for the tests of the bound.
const RecentLimit = recentLimit
