// What real Open311 servers answer, parsed (answers as captured from Helsinki's issue-reporting and
// mySociety's Open311::Endpoint; issue #18): ids as strings and numbers (0 included), both error
// shapes read into one reason with every cause, an HTML 500 never quoted, an echoed create whose
// text is never read, service lists and definitions, and the first guess of a mapping.
#include <gtest/gtest.h>

#include "sync/open311_replies.h"
#include "sync/open311_services.h"

using namespace vmeste::sync;

TEST(Open311Replies, CreatedIdsAreStringsOrNumbersAndZeroIsAnId) {
    EXPECT_EQ(
        replies::open311_created(R"([{"service_request_id":"nw8xj0x1"}])")->service_request_id,
        "nw8xj0x1");
    EXPECT_EQ(replies::open311_created(R"([{"service_request_id":0,"service_notice":"ok"}])")
                  ->service_request_id,
              "0");
    EXPECT_EQ(replies::open311_created(R"([{"service_request_id":1234567}])")->service_request_id,
              "1234567");
    EXPECT_EQ(replies::open311_created(R"([{"token":"abc-1"}])")->token, "abc-1");
    EXPECT_FALSE(replies::open311_created(R"([{"service_request_id":-1}])"));
    EXPECT_FALSE(replies::open311_created(R"([{"service_request_id":null}])"));
    EXPECT_FALSE(replies::open311_created("<html>500</html>"));
}

TEST(Open311Replies, AnEchoedCreateGivesItsIdAndMediaUrls) {
    const auto c = replies::open311_created(
        R"([{"service_request_id":"nw8xj0x1","status":"open","description":"Яма у дома 5",)"
        R"("media_urls":["https://h/m/1.jpg","https://h/m/2.jpg"],"lat":60.17,"long":24.94}])");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->service_request_id, "nw8xj0x1");
    EXPECT_EQ(c->media_urls.size(), 2u);
}

TEST(Open311Replies, RequestListsTakeNumericAndStringIdsAndTheCitysNotes) {
    auto mixed = replies::open311_requests(
        R"([{"service_request_id":0,"status":"open","lat":"55.43","long":37.55},)"
        R"({"service_request_id":"abc","status":"closed","status_notes":"Яма заделана"}])");
    ASSERT_TRUE(mixed) << mixed.error().message;
    ASSERT_EQ(mixed->size(), 2u);
    EXPECT_EQ((*mixed)[0].service_request_id, "0");
    EXPECT_DOUBLE_EQ(*(*mixed)[0].lat, 55.43);
    EXPECT_DOUBLE_EQ(*(*mixed)[0].lon, 37.55);
    EXPECT_EQ((*mixed)[1].status_notes, "Яма заделана");
    EXPECT_FALSE(replies::open311_requests(R"([{"service_request_id":1,"status":"lost"}])"));
    EXPECT_FALSE(replies::open311_requests(R"({"code":500})"));
}

TEST(Open311Replies, BothErrorShapesBecomeOneReasonWithEveryCause) {
    // mySociety: the spec's array, a generic first entry, the causes after it.
    EXPECT_EQ(replies::open311_error_reason(
                  400, "application/json",
                  R"([{"code":400,"description":"Bad request"},)"
                  R"({"code":400,"description":"depth: required"},)"
                  R"({"code":400,"description":"Bad request"},)"
                  R"({"code":400,"description":"Service code POT is invalid"}])"),
              "HTTP 400: Bad request; depth: required; Service code POT is invalid");
    // Helsinki (Django REST framework): field → messages, or a list.
    EXPECT_EQ(replies::open311_error_reason(
                  400, "application/json",
                  R"({"code":400,"detail":{"service_code":["This field is required."]}})"),
              "HTTP 400: service_code: This field is required.");
    EXPECT_EQ(replies::open311_error_reason(400, "application/json",
                                            R"({"code":400,"detail":["Invalid API key"]})"),
              "HTTP 400: Invalid API key");
    // An HTML page is named, never quoted.
    EXPECT_EQ(replies::open311_error_reason(500, "text/html; charset=utf-8",
                                            "<h1>Server Error (500)</h1>"),
              "HTTP 500 (text/html)");
    // Long reasons are cut, never inside a UTF-8 character.
    std::string many = "[";
    for (int i = 0; i < 40; ++i)
        many += std::string(i ? "," : "") + R"({"code":400,"description":"ошибка номер )" +
                std::to_string(i) + "\"}";
    many += "]";
    const std::string cut = replies::open311_error_reason(400, "", many);
    EXPECT_LE(cut.size(), 300u);
    EXPECT_TRUE(cut.ends_with("..."));
    EXPECT_FALSE(replies::open311_error_reason(400, "", "[]").empty());
}

TEST(Open311Replies, AKeyIsRefusedBy401Or403OrA400ThatNamesIt) {
    EXPECT_TRUE(replies::open311_key_refused(400, R"({"code":400,"detail":["Invalid API key"]})"));
    EXPECT_TRUE(replies::open311_key_refused(
        400,
        R"([{"code":400,"description":"Bad request"},{"code":400,"description":"Invalid api_key"}])"));
    EXPECT_TRUE(replies::open311_key_refused(403, R"([{"code":403,"description":"nope"}])"));
    EXPECT_TRUE(replies::open311_key_refused(401, ""));
    EXPECT_FALSE(
        replies::open311_key_refused(400, R"([{"code":400,"description":"depth: required"}])"));
    EXPECT_FALSE(replies::open311_key_refused(403, "<html>Forbidden</html>")) << "a proxy's page";
}

TEST(Open311Replies, ServicesAndDefinitionsAsServersWriteThem) {
    auto s = replies::open311_services(
        R"([{"service_code":"POT","service_name":"Pothole","metadata":true,"keywords":"road, hole"},)"
        R"({"service_code":171,"service_name":"Potholes","metadata":"false","keywords":["a","b"]}])");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->size(), 2u);
    EXPECT_TRUE((*s)[0].metadata);
    EXPECT_EQ((*s)[0].keywords, (std::vector<std::string>{"road", "hole"}));
    EXPECT_EQ((*s)[1].code, "171");
    EXPECT_FALSE((*s)[1].metadata);
    auto d = replies::open311_definition(
        R"({"service_code":"POT","attributes":[)"
        R"({"code":"position","datatype":"singlevaluelist","required":false,"order":2,)"
        R"("values":[{"key":1,"name":"Carriageway"}]},)"
        R"({"code":"depth","datatype":"number","required":true,"order":1,"variable":true}]})");
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_EQ(d->size(), 2u);
    EXPECT_EQ((*d)[0].code, "depth") << "in the server's order";
    EXPECT_TRUE((*d)[0].required);
    EXPECT_EQ((*d)[1].values[0].key, "1");
    EXPECT_FALSE(replies::open311_definition(
        R"({"attributes":[{"code":"x","datatype":"singlevaluelist"}]})"))
        << "a list without values cannot be answered";
    EXPECT_FALSE(replies::open311_definition(R"({"attributes":[{"code":"x","datatype":"blob"}]})"));
}

TEST(Open311Mapping, TheFirstGuessMatchesRussianAndEnglishWordsByStem) {
    Open311Services s;
    s.services =
        replies::open311_services(R"([{"service_code":"A","service_name":"Ямы на дорогах"},)"
                                  R"({"service_code":"B","service_name":"Street lights"},)"
                                  R"({"service_code":"C","service_name":"Прочее"}])")
            .value();
    guess_mapping(s,
                  {{"roads.road.pothole", "Яма на дороге", "Pothole", "Дорога", "Road"},
                   {"improvement.lighting.light_out", "Не горит уличный фонарь", "Street light out",
                    "Освещение", "Lighting"},
                   {"health.clinic.medicines", "Нет льготных лекарств", "No medicines", "", ""}});
    EXPECT_EQ(s.code_for("roads.road.pothole"), "A");
    EXPECT_EQ(s.code_for("improvement.lighting.light_out"), "B");
    EXPECT_EQ(s.fallback, "C");
    EXPECT_EQ(s.code_for("health.clinic.medicines"), "C") << "the rest: the city's «other»";
    // A technician's entry for a group covers its leaves; the leaf's own entry wins.
    s.map["health"] = "A";
    EXPECT_EQ(s.code_for("health.clinic.medicines"), "A");
    EXPECT_EQ(s.code_for("roads.road.pothole"), "A");
    // Which entry decides, as the technician's screen says it: own, a group's, or the fallback.
    EXPECT_EQ(s.entry_for("roads.road.pothole"), "roads.road.pothole");
    EXPECT_EQ(s.entry_for("health.clinic.medicines"), "health");
    s.map.erase("health");
    EXPECT_EQ(s.entry_for("health.clinic.medicines"), "");
    s.map["health.clinic"] = "";  // an empty entry decides nothing
    EXPECT_EQ(s.entry_for("health.clinic.medicines"), "");
    EXPECT_EQ(s.code_for("health.clinic.medicines"), "C");
}

TEST(Open311Mapping, TheFileKeepsEverythingAndRefusesACodeTheServerLacks) {
    Open311Services s;
    s.services = replies::open311_services(R"([{"service_code":"A","service_name":"x"}])").value();
    s.definitions["A"] = replies::open311_definition(
                             R"({"attributes":[{"code":"d","datatype":"number","required":true}]})")
                             .value();
    s.map["roads"] = "A";
    s.fallback = "A";
    s.needs_coordinates = true;
    auto back = parse_open311_services(open311_services_json(s));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->map, s.map);
    EXPECT_TRUE(back->needs_coordinates);
    EXPECT_EQ(back->questions("A").at(0).code, "d");
    s.map["roads"] = "Z";
    auto bad = parse_open311_services(open311_services_json(s));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("Z"), std::string::npos);
}
