-- OSM tags → the layers the kiosk draws (docs/map.md "Region pack"): what a citizen needs to
-- find a place — water, green areas, streets with their names, buildings with their numbers,
-- town and village names. Read by tilemaker (Debian's tilemaker 2.2) for vmeste-region.

node_keys = { "place", "addr:housenumber" }

function init_function()
end

function exit_function()
end

function node_function(node)
	local place = node:Find("place")
	if place == "city" or place == "town" or place == "village" or place == "hamlet" or place == "suburb" then
		node:Layer("place", false)
		node:Attribute("class", place)
		node:Attribute("name", node:Find("name"))
	end
	local number = node:Find("addr:housenumber")
	if number ~= "" then
		node:Layer("housenumber", false)
		node:Attribute("number", number)
	end
end

-- Street classes the kiosk draws, widest first.
local road_class = {
	motorway = "major", trunk = "major", primary = "major", secondary = "major",
	motorway_link = "major", trunk_link = "major", primary_link = "major", secondary_link = "major",
	tertiary = "minor", tertiary_link = "minor", unclassified = "minor", residential = "minor",
	living_street = "minor", road = "minor", pedestrian = "path",
	service = "service", track = "path", footway = "path", path = "path", cycleway = "path",
	steps = "path"
}

local green = {
	park = true, garden = true, grass = true, forest = true, wood = true, meadow = true,
	recreation_ground = true, cemetery = true, village_green = true, allotments = true,
	scrub = true, playground = true
}

function way_function(way)
	local highway = way:Find("highway")
	local building = way:Find("building")
	local natural = way:Find("natural")
	local waterway = way:Find("waterway")
	local landuse = way:Find("landuse")
	local leisure = way:Find("leisure")
	local closed = way:IsClosed()

	if highway ~= "" and road_class[highway] and not (closed and way:Find("area") == "yes") then
		way:Layer("transportation", false)
		way:Attribute("class", road_class[highway])
		local name = way:Find("name")
		if name ~= "" then way:Attribute("name", name) end
		if road_class[highway] ~= "major" then way:MinZoom(13) end
		return
	end
	if waterway == "river" or waterway == "canal" or waterway == "stream" then
		way:Layer("waterway", false)
		way:Attribute("class", waterway)
		local name = way:Find("name")
		if name ~= "" then way:Attribute("name", name) end
		return
	end
	if not closed then return end
	if natural == "water" or waterway == "riverbank" or landuse == "reservoir" or landuse == "basin" then
		way:Layer("water", true)
		return
	end
	if building ~= "" then
		way:Layer("building", true)
		local number = way:Find("addr:housenumber")
		if number ~= "" then
			way:LayerAsCentroid("housenumber")
			way:Attribute("number", number)
		end
		return
	end
	local kind = ""
	if green[leisure] or green[landuse] or green[natural] then kind = "green"
	elseif landuse == "residential" then kind = "residential"
	elseif landuse == "industrial" or landuse == "commercial" or landuse == "retail" then kind = "industrial"
	end
	if kind ~= "" then
		way:Layer("landuse", true)
		way:Attribute("class", kind)
	end
end
